package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.protocol.JsonNesting;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.Refusals;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Threat (issue 8 item 13): deeply nested JSON. A client frame nested deeper than
 * {@value JsonNesting#MAX_INPUT_DEPTH} levels is refused with INVALID_REQUEST; agent output the encoder could not
 * write ends its job with a {@code job.error} the client receives, numbered right after the job's last frame.
 */
class Threat_DeepNestingTest {

  static Vertx vertx;
  static TestGateway gateway;

  /** {@code deep}: input {@code {"levels": n}} → a result nested n levels deep. */
  static AgentRegistration deepAgent() {
    return AgentRegistration.of("deep", "1.0.0", job -> {
      job.log("info", "about to answer");
      return Future.succeededFuture(nested(job.inputObject().getInteger("levels")));
    });
  }

  /** An array nested {@code levels} deep: {@code [[[ ... ]]]}. */
  static JsonArray nested(int levels) {
    JsonArray value = new JsonArray();
    for (int i = 1; i < levels; i++) {
      value = new JsonArray().add(value);
    }
    return value;
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gateway = TestGateway.start(vertx, options -> { }, List.of(deepAgent()));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSubmitNestedTooDeeplyIsRefused() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = client.submit(new JsonObject().put("agent", "echo").put("input", nested(998)));
    assertRejectedSubmit(client, submit, "INVALID_REQUEST");
    Refusals.assertUsable(client);
  }

  @Test
  void inputWithinTheLimitIsEchoed() {
    WireClient client = gateway.session(TestGateway.ALICE);
    // the frame, its payload and the input: the input may nest the limit less two
    Leases.Run run = Leases.run(client, new JsonObject().put("agent", "echo")
        .put("input", nested(JsonNesting.MAX_INPUT_DEPTH - 2)));
    assertEquals("job.result", type(run.terminal()), run.terminal().encode());
  }

  @Test
  void aResultThatCannotBeWrittenEndsTheJobWithAnErrorAndNoGap() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Leases.Run run = Leases.run(client, new JsonObject().put("agent", "deep")
        .put("input", new JsonObject().put("levels", 1_000)));
    List<JsonObject> mine = run.mine();
    JsonObject log = mine.get(0);
    JsonObject terminal = run.terminal();
    assertEquals("job.event", type(log), mine.toString());
    assertEquals("job.error", type(terminal), terminal.encode());
    assertEquals("INTERNAL_ERROR", payload(terminal).getString("code"), terminal.encode());
    assertEquals(log.getLong("event_seq") + 1, terminal.getLong("event_seq"), "no event_seq skipped");

    JsonObject listing = Leases.list(client);
    JsonObject job = listing.getJsonArray("jobs").stream().map(JsonObject.class::cast)
        .filter(j -> run.jobId().equals(j.getString("job_id"))).findFirst().orElseThrow();
    assertEquals("error", job.getString("status"), "the job is recorded as failed: " + job.encode());
  }
}
