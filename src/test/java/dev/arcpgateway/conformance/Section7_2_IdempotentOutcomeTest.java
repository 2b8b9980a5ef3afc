package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.store.memory.MemoryStore;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * §7.2 (issue 8 item 14): resubmitting a job that already ended answers with its {@code job.accepted} and then
 * its terminal frame, so clients waiting for a result (the Java client's {@code result()}, the TypeScript
 * client's {@code done}) complete — in the same session or a new one, and also once the job's history is no
 * longer kept.
 */
class Section7_2_IdempotentOutcomeTest {

  static Vertx vertx;
  static TestGateway gateway;
  /** Keeps almost no event history: a finished job's log is forgotten as soon as any other job logs. */
  static Vertx forgetfulVertx;
  static TestGateway forgetful;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gateway = TestGateway.start(vertx);
    forgetfulVertx = Vertx.vertx();
    forgetful = TestGateway.start(forgetfulVertx, options -> { }, List.of(),
        builder -> builder.store(new MemoryStore(100, 100, 1 << 20, 1, 100)));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    forgetful.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    forgetfulVertx.close().await(10, TimeUnit.SECONDS);
  }

  static JsonObject keyed(String key, Object input) {
    return new JsonObject().put("agent", "echo").put("input", input).put("idempotency_key", key);
  }

  /** Submits and returns the job's terminal frame. */
  static JsonObject runToEnd(WireClient client, JsonObject payload) {
    JsonObject accepted = client.expectAccepted(client.submit(payload).getString("id"));
    List<JsonObject> frames = client.untilTerminal(accepted.getString("job_id"));
    return frames.get(frames.size() - 1);
  }

  /** Resubmits and returns the terminal frame that must follow the replayed job.accepted at once. */
  static JsonObject resubmit(WireClient client, JsonObject payload, String jobId) {
    JsonObject accepted = client.expectAccepted(client.submit(payload).getString("id"));
    assertEquals(jobId, accepted.getString("job_id"), "the same job: " + accepted.encode());
    JsonObject terminal = client.next();
    assertEquals(jobId, terminal.getString("job_id"), terminal.encode());
    assertTrue(terminal.getValue("event_seq") instanceof Number, "numbered like any terminal frame: " + terminal);
    return terminal;
  }

  @Test
  void aFinishedJobsResubmissionGetsItsResultInTheSameSession() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject payload = keyed("k-" + Wire.nextId(), "once");
    JsonObject first = runToEnd(client, payload);
    JsonObject again = resubmit(client, payload, first.getString("job_id"));
    assertEquals("job.result", type(again));
    assertEquals(payload(first), payload(again), "the original result, as it was sent");
    assertEquals(first.getLong("event_seq") + 1, again.getLong("event_seq"), "no gap in the session's numbering");
  }

  @Test
  void aFinishedJobsResubmissionGetsItsOutcomeInANewSession() {
    JsonObject payload = new JsonObject().put("agent", "fail").put("idempotency_key", "k-" + Wire.nextId())
        .put("input", new JsonObject().put("code", "PERMISSION_DENIED").put("message", "no"));
    JsonObject first = runToEnd(gateway.session(TestGateway.ALICE), payload);
    assertEquals("job.error", type(first));
    JsonObject again = resubmit(gateway.session(TestGateway.ALICE), payload, first.getString("job_id"));
    assertEquals("job.error", type(again));
    assertEquals(payload(first), payload(again));
  }

  @Test
  void anOutcomeNoLongerKeptIsStillAnsweredWithItsStatus() {
    WireClient client = forgetful.session(TestGateway.ALICE);
    JsonObject payload = keyed("k-" + Wire.nextId(), "gone");
    JsonObject first = runToEnd(client, payload);
    runToEnd(client, new JsonObject().put("agent", "echo").put("input", "pushes the first log out"));
    JsonObject again = resubmit(client, payload, first.getString("job_id"));
    assertEquals("job.result", type(again), again.encode());
    assertEquals("success", payload(again).getString("final_status"));
    assertTrue(payload(again).getString("summary").contains("no longer kept"), again.encode());
  }

  /** A resubmission of a job still running, from another session, follows the job to its end. */
  @Test
  void aRunningJobsResubmissionFromAnotherSessionFollowsItToItsResult() {
    JsonObject payload = new JsonObject().put("agent", "slow").put("input", new JsonObject().put("seconds", 1))
        .put("idempotency_key", "k-" + Wire.nextId());
    WireClient owner = gateway.session(TestGateway.ALICE);
    String jobId = owner.expectAccepted(owner.submit(payload).getString("id")).getString("job_id");

    WireClient other = gateway.session(TestGateway.ALICE);
    JsonObject accepted = other.expectAccepted(other.submit(payload).getString("id"));
    assertEquals(jobId, accepted.getString("job_id"), "the same job: " + accepted.encode());
    List<JsonObject> followed = other.untilTerminal(jobId);
    JsonObject terminal = followed.get(followed.size() - 1);
    assertEquals("job.result", type(terminal), followed.toString());
    assertTrue(followed.stream().noneMatch(f -> "job.subscribed".equals(type(f))), followed.toString());

    List<JsonObject> owned = owner.untilTerminal(jobId);
    assertEquals(payload(owned.get(owned.size() - 1)), payload(terminal), "the same result in both sessions");
  }
}
