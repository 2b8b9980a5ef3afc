package dev.arcpgateway.telemetry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.config.InvalidConfigException;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which settings turn tracing on: the {@code telemetry} section first, then the standard OTEL_* variables. */
class TracingTest {

  @Test
  void offByDefaultWithTheNoopApiAndNoSdk() {
    Tracing tracing = Tracing.configure(new JsonObject(), Map.of());
    assertFalse(tracing.enabled());
    assertSame(OpenTelemetry.noop(), tracing.openTelemetry(), "no SDK: nothing is processed on the job path");
  }

  @Test
  void theStandardVariableTurnsItOnWhenTheSettingsSayNothing() {
    try (Tracing tracing = Tracing.configure(new JsonObject(), Map.of("OTEL_TRACES_EXPORTER", "logging"))) {
      assertTrue(tracing.enabled());
    }
  }

  @Test
  void aGivenSettingWinsOverTheStandardVariable() {
    assertFalse(Tracing.configure(new JsonObject().put("exporter", "none"),
        Map.of("OTEL_TRACES_EXPORTER", "otlp")).enabled());
    assertFalse(Tracing.configure(new JsonObject().put("exporter", "logging"),
        Map.of("OTEL_SDK_DISABLED", "true")).enabled(), "OTEL_SDK_DISABLED turns everything off");
    try (Tracing tracing = Tracing.configure(new JsonObject().put("exporter", "logging"), Map.of())) {
      assertTrue(tracing.enabled());
    }
  }

  @Test
  void anUnusableStandardSettingIsARefusalNamingIt() {
    InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> Tracing.configure(
        new JsonObject().put("exporter", "otlp").put("protocol", "carrier-pigeon"), Map.of()));
    assertTrue(refused.getMessage().startsWith("telemetry (or OTEL_*): "), refused.getMessage());
  }
}
