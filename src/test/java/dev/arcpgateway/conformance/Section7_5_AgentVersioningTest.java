package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** §7.5: a bare name runs the advertised default version, {@code name@version} exactly that version. */
@ExtendWith(VertxExtension.class)
class Section7_5_AgentVersioningTest {

  static TestGateway gateway;

  /** An agent that answers with the version it runs as. */
  static AgentRegistration versioned(String name, String version) {
    return AgentRegistration.of(name, version, job -> Future.succeededFuture(job.agentVersion()));
  }

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, List.of(
        // no default named: the runtime picks one and must advertise it
        versioned("multi", "1.9.0"), versioned("multi", "1.10.0"), versioned("multi", "1.2.0"),
        // a default that is not the highest version
        versioned("pinned", "1.0.0").asDefault(), versioned("pinned", "2.0.0")));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
      "echo, echo@2.0.0",
      "echo@2.0.0, echo@2.0.0",
      "echo@1.0.0, echo@1.0.0",
      "chatty, chatty@1.0.0",
      "pinned, pinned@1.0.0",
      "pinned@2.0.0, pinned@2.0.0",
      "multi@1.2.0, multi@1.2.0"})
  void agentResolvesToTheExactVersion(String requested, String resolved) {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit(requested, new JsonObject().put("count", 0));
    JsonObject accepted = client.expectAccepted(id);
    assertEquals(resolved, payload(accepted).getString("agent"));
    JsonObject result = last(client.untilTerminal(accepted.getString("job_id")));
    assertEquals("job.result", result.getString("type"), result.encode());
    String version = resolved.substring(resolved.indexOf('@') + 1);
    Object value = payload(result).getValue("result");
    if (requested.startsWith("echo")) {
      assertEquals(version, ((JsonObject) value).getString("version"), "the job ran as " + resolved);
    } else if (!requested.startsWith("chatty")) {
      assertEquals(version, value, "the job ran as " + resolved);
    }
  }

  @ParameterizedTest(name = "bare {0} runs the advertised default")
  @CsvSource({"echo", "multi", "pinned"})
  void bareNameRunsTheDefaultAdvertisedInTheWelcome(String name) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject entry = client.welcome().getJsonObject("payload").getJsonObject("capabilities")
        .getJsonArray("agents").stream().map(JsonObject.class::cast)
        .filter(a -> name.equals(a.getString("name"))).findFirst().orElseThrow();
    String advertised = entry.getString("default");
    String id = client.submit(name, null);
    JsonObject accepted = client.expectAccepted(id);
    assertEquals(name + "@" + advertised, payload(accepted).getString("agent"));
  }

  @Test
  void unknownVersionOfAKnownAgentIsAgentVersionNotAvailable() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), "pinned@3.0.0", null);
    client.send(submit);
    assertRejectedSubmit(client, submit, "AGENT_VERSION_NOT_AVAILABLE");
  }

  @Test
  void versionsAreExactStringsNotRanges() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), "echo@2", null);
    client.send(submit);
    assertRejectedSubmit(client, submit, "AGENT_VERSION_NOT_AVAILABLE");
  }
}
