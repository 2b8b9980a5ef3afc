package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.hasSeq;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.ofType;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** §7.3/§7.4: job.cancel → job.cancelled then job.error CANCELLED; refusals; max_runtime_sec → TIMEOUT. */
@ExtendWith(VertxExtension.class)
class Section7_4_CancelTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Submits {@code slow} for {@code seconds} and waits until it reported progress once; returns the job id. */
  static String runningSlowJob(WireClient client, double seconds) {
    return firstProgress(client, seconds).getString("job_id");
  }

  /** Submits {@code slow} for {@code seconds}; returns its first progress event. */
  static JsonObject firstProgress(WireClient client, double seconds) {
    String id = client.submit("slow", new JsonObject().put("seconds", seconds));
    String jobId = client.expectAccepted(id).getString("job_id");
    JsonObject progress = client.next();
    assertEquals("job.event", type(progress), progress.encode());
    assertEquals("progress", payload(progress).getString("kind"));
    assertEquals(jobId, progress.getString("job_id"));
    return progress;
  }

  @Test
  void cancelIsAcknowledgedThenTheJobEndsCancelled() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject progress = firstProgress(client, 30);
    String jobId = progress.getString("job_id");
    JsonObject cancel = Wire.cancel(client.sessionId(), jobId, "user abort");
    client.send(cancel);

    List<JsonObject> frames = client.untilTerminal(jobId);
    List<JsonObject> acks = ofType(frames, "job.cancelled");
    assertEquals(1, acks.size(), "one job.cancelled: " + frames);
    JsonObject ack = acks.get(0);
    assertTrue(frames.indexOf(ack) < frames.size() - 1, "job.cancelled before job.error");
    assertEquals(jobId, ack.getString("job_id"));
    assertEquals(client.sessionId(), ack.getString("session_id"));
    assertFalse(hasSeq(ack), "job.cancelled carries no event_seq: " + ack.encode());
    assertEquals(new JsonObject().put("job_id", jobId).put("request_id", cancel.getString("id"))
        .put("reason", "user abort"), payload(ack));

    JsonObject terminal = last(frames);
    assertEquals("job.error", type(terminal));
    assertErrorPayload(payload(terminal), "cancelled", "CANCELLED");
    assertFalse(payload(terminal).getBoolean("retryable"));
    long previous = frames.stream().filter(f -> hasSeq(f) && f != terminal).mapToLong(f -> f.getLong("event_seq"))
        .max().orElse(progress.getLong("event_seq"));
    assertEquals(previous + 1, terminal.getLong("event_seq"), "gap-free");

    client.expectSilence(Duration.ofMillis(400)); // slow ticks every 100 ms: nothing more of this job
  }

  @Test
  void cancelWithoutReasonAndWithTheTargetInThePayload() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = runningSlowJob(client, 30);
    // target only in payload.job_id (wire-notes §13: accept it as a fallback), no reason
    JsonObject cancel = Wire.frame("job.cancel", client.sessionId(), new JsonObject().put("job_id", jobId));
    client.send(cancel);
    List<JsonObject> frames = client.untilTerminal(jobId);
    JsonObject ack = ofType(frames, "job.cancelled").get(0);
    assertEquals(new JsonObject().put("job_id", jobId).put("request_id", cancel.getString("id")), payload(ack));
    assertErrorPayload(payload(last(frames)), "cancelled", "CANCELLED");
  }

  @Test
  void cancelRightAfterAcceptanceBeforeAnyEvent() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("slow", new JsonObject().put("seconds", 30));
    String jobId = client.expectAccepted(id).getString("job_id");
    JsonObject cancel = Wire.cancel(client.sessionId(), jobId, "changed my mind");
    client.send(cancel);
    List<JsonObject> frames = client.untilTerminal(jobId);
    JsonObject ack = ofType(frames, "job.cancelled").get(0);
    assertTrue(frames.indexOf(ack) < frames.size() - 1, "job.cancelled before job.error: " + frames);
    assertErrorPayload(payload(last(frames)), "cancelled", "CANCELLED");
    client.expectSilence(Duration.ofMillis(400));
  }

  @Test
  void cancellingAnUnknownJobIsJobNotFound() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String target = "job_01JZZZZZZZZZZZZZZZZZZZZZZZ";
    JsonObject cancel = Wire.cancel(client.sessionId(), target, "nope");
    client.send(cancel);
    assertRequestError(client, cancel, target, "JOB_NOT_FOUND");
  }

  @Test
  void anotherPrincipalCannotCancelAndTheJobKeepsRunning() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    WireClient bob = gateway.session(TestGateway.BOB);
    String jobId = runningSlowJob(alice, 1.0);
    JsonObject cancel = Wire.cancel(bob.sessionId(), jobId, "mine now");
    bob.send(cancel);
    assertRequestError(bob, cancel, jobId, "JOB_NOT_FOUND");

    List<JsonObject> frames = alice.untilTerminal(jobId);
    assertTrue(ofType(frames, "job.cancelled").isEmpty(), "alice saw a cancel: " + frames);
    JsonObject result = last(frames);
    assertEquals("job.result", type(result), result.encode());
    assertEquals("success", payload(result).getString("final_status"));
    assertEquals(new JsonObject().put("slept", 1.0), payload(result).getJsonObject("result"));
    bob.expectSilence(Duration.ofMillis(100));
  }

  @Test
  void cancellingAFinishedJobIsInvalidRequest() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("echo", "done");
    String jobId = client.expectAccepted(id).getString("job_id");
    assertEquals("job.result", type(last(client.untilTerminal(jobId))));
    JsonObject cancel = Wire.cancel(client.sessionId(), jobId, "too late");
    client.send(cancel);
    assertRequestError(client, cancel, jobId, "INVALID_REQUEST");
  }

  @Test
  void cancellingTwiceIsInvalidRequestTheSecondTime() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = runningSlowJob(client, 30);
    client.send(Wire.cancel(client.sessionId(), jobId, null));
    client.untilTerminal(jobId);
    JsonObject again = Wire.cancel(client.sessionId(), jobId, null);
    client.send(again);
    assertRequestError(client, again, jobId, "INVALID_REQUEST");
  }

  @Test
  void maxRuntimeSecEndsTheJobTimedOut() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = client.submit(new JsonObject().put("agent", "slow")
        .put("input", new JsonObject().put("seconds", 30)).put("max_runtime_sec", 1));
    String jobId = client.expectAccepted(submit.getString("id")).getString("job_id");
    long started = System.nanoTime();
    List<JsonObject> frames = client.untilTerminal(jobId);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMs >= 800 && tookMs < 5_000, "timed out after " + tookMs + " ms");
    assertTrue(ofType(frames, "job.cancelled").isEmpty(), "a timeout is not a cancel: " + frames);
    JsonObject terminal = last(frames);
    assertEquals("job.error", type(terminal));
    assertErrorPayload(payload(terminal), "timed_out", "TIMEOUT");
    assertTrue(payload(terminal).getBoolean("retryable"), "TIMEOUT is retryable");
    client.expectSilence(Duration.ofMillis(400));
  }

  /** The request-error carrier: job.error with the request's id, the target job_id, no event_seq. */
  static void assertRequestError(WireClient client, JsonObject request, String jobId, String code) {
    JsonObject error = client.next();
    assertEquals("job.error", type(error), error.encode());
    assertEquals(request.getString("id"), error.getString("id"), "echoes the request id");
    assertEquals(jobId, error.getString("job_id"));
    assertEquals(client.sessionId(), error.getString("session_id"));
    assertFalse(hasSeq(error), "no event_seq: " + error.encode());
    assertErrorPayload(payload(error), "error", code);
    assertFalse(payload(error).getBoolean("retryable"));
  }
}
