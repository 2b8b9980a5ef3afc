package dev.arcpgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The operations settings of the config file: {@code metrics.enabled}, {@code metrics.event_bus} and
 * {@code drain_timeout_sec}.
 */
class OperationsOptionsTest {

  @Test
  void metricsAreOnAndTheDrainTakes30SecondsByDefault() {
    GatewayOptions options = new GatewayOptions(new JsonObject());
    assertTrue(options.metricsEnabled());
    assertFalse(options.eventBusMeters(), "the event bus is metered only when asked");
    assertEquals(30, options.drainTimeoutSec());
  }

  @Test
  void theFileAsksForTheEventBusMeters() {
    GatewayOptions options = new GatewayOptions(new JsonObject()
        .put("metrics", new JsonObject().put("event_bus", true)));
    assertTrue(options.metricsEnabled());
    assertTrue(options.eventBusMeters());
  }

  @Test
  void theFileTurnsMetricsOffAndSetsTheDrainTimeout() {
    GatewayOptions options = new GatewayOptions(new JsonObject()
        .put("metrics", new JsonObject().put("enabled", false)).put("drain_timeout_sec", 5));
    assertFalse(options.metricsEnabled());
    assertEquals(5, options.drainTimeoutSec());
  }

  @Test
  void aNegativeDrainTimeoutIsRefusedByName() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new GatewayOptions(new JsonObject().put("drain_timeout_sec", -1)));
    assertTrue(refused.getMessage().startsWith("drain_timeout_sec"), refused.getMessage());
  }
}
