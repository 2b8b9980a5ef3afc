package dev.arcpgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code lanes}: one per event loop by default, a count when set, and the replaced {@code instances} refused. */
class LanesOptionsTest {

  @Test
  void oneLanePerEventLoopUnlessTheFileSaysHowMany() {
    assertEquals(0, new GatewayOptions(new JsonObject()).lanes());
    assertEquals(3, new GatewayOptions(new JsonObject().put("lanes", 3)).lanes());
  }

  @Test
  void aNegativeCountIsRefusedNamingTheSetting() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> new GatewayOptions(new JsonObject().put("lanes", -1)));
    assertTrue(refused.getMessage().contains("lanes"), refused.getMessage());
  }

  @Test
  void theReplacedInstancesSettingIsRefusedPointingToLanes() {
    InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> new GatewayOptions(
        new JsonObject().put("instances", new JsonObject().put("session", 2))));
    assertTrue(refused.getMessage().contains("set lanes instead"), refused.getMessage());
  }
}
