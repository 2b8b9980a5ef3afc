package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** §6.2: session.hello → session.welcome, with the fields every SDK client needs. */
@ExtendWith(VertxExtension.class)
class Section6_2_HelloWelcomeTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setHeartbeatIntervalSec(17).setResumeWindowSec(123));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void welcomeCarriesSessionIdTokenIntervalsAndRuntime() {
    WireClient client = gateway.connect();
    client.send(Wire.hello(TestGateway.ALICE));
    JsonObject welcome = client.expect("session.welcome");
    JsonObject payload = welcome.getJsonObject("payload");

    assertEquals("1.1", welcome.getString("arcp"));
    assertTrue(welcome.getString("session_id").startsWith("sess_"));
    assertEquals(welcome.getString("session_id"), payload.getString("session_id"), "Python reads the payload copy");
    assertTrue(payload.getString("resume_token").startsWith("rt_"));
    assertEquals(123, payload.getInteger("resume_window_sec"));
    assertEquals(17, payload.getInteger("heartbeat_interval_sec"));
    assertEquals("arcp-gateway", payload.getJsonObject("runtime").getString("name"));
    assertNotNull(payload.getJsonObject("runtime").getString("version"));
  }

  @Test
  void featuresAreTheIntersection() {
    WireClient client = gateway.connect();
    client.send(Wire.hello(TestGateway.ALICE, List.of("progress", "x-unknown-feature", "agent_versions")));
    JsonArray features = client.expect("session.welcome").getJsonObject("payload").getJsonObject("capabilities")
        .getJsonArray("features");
    assertEquals(new JsonArray().add("progress").add("agent_versions"), features);
  }

  @Test
  void inventoryIsRichWithVersionsAndDefault() {
    WireClient client = gateway.connect();
    JsonArray agents = client.hello(TestGateway.ALICE).getJsonObject("payload").getJsonObject("capabilities")
        .getJsonArray("agents");
    JsonObject echo = agents.stream().map(JsonObject.class::cast)
        .filter(a -> "echo".equals(a.getString("name"))).findFirst().orElseThrow();
    assertEquals(new JsonArray().add("1.0.0").add("2.0.0"), echo.getJsonArray("versions"));
    assertEquals("2.0.0", echo.getString("default"));
    for (String name : List.of("chatty", "slow", "report", "fail")) {
      assertTrue(agents.stream().map(JsonObject.class::cast).anyMatch(a -> name.equals(a.getString("name"))), name);
    }
  }

  @Test
  void everyWelcomeHasAFreshSessionAndToken() {
    JsonObject first = gateway.connect().hello(TestGateway.ALICE);
    JsonObject second = gateway.connect().hello(TestGateway.ALICE);
    assertFalse(first.getString("session_id").equals(second.getString("session_id")));
    assertFalse(first.getJsonObject("payload").getString("resume_token")
        .equals(second.getJsonObject("payload").getString("resume_token")));
  }
}
