package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.events;
import static dev.arcpgateway.testing.JobFrames.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seed row §6.3 as the Python SDK's feature list describes it: the {@code started} status event carries a job
 * resume token; a {@code job.submit} with {@code resume_token} is answered with that job's {@code job.accepted},
 * then its events from the start, then its live events — a thin form over {@code job.subscribe} with history,
 * with the same authorization (an observer gains no cancel authority; a job the caller may not observe looks
 * like a missing one).
 */
@ExtendWith(VertxExtension.class)
class Section6_3_JobResumeTokenTest {

  static final AtomicInteger KEYS = new AtomicInteger();
  static final String CAROL = "carol-token";
  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.addToken("carol", CAROL)
        .setObservers(new JsonObject().put("bob", new JsonArray().add("alice"))), List.of(GateAgent.registration()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static WireClient lifecycleSession(String token) {
    List<String> features = new ArrayList<>(Feature.ALL);
    features.add(Feature.LIFECYCLE);
    return Continuity.session(gateway, token, features);
  }

  /** A running gate job with {@code logs} events, and the resume token of its {@code started} event. */
  record Started(String key, String jobId, String token) {
  }

  static Started startGateJob(WireClient client, int logs) {
    String key = "jrt-" + KEYS.incrementAndGet();
    String jobId = client.expectAccepted(client.submit(GateAgent.NAME, GateAgent.input(key))).getString("job_id");
    JsonObject started = client.nextMatching(f -> "status".equals(payload(f).getString("kind"))
        && "started".equals(payload(f).getJsonObject("body").getString("phase")), "the started status event");
    GateAgent.emit(gateway.vertx(), key, logs);
    return new Started(key, jobId, payload(started).getJsonObject("body").getString("resume_token"));
  }

  static JsonObject resumeSubmit(WireClient client, String token) {
    return client.submit(new JsonObject().put("resume_token", token));
  }

  static List<String> logMessages(List<JsonObject> frames) {
    return events(frames, "log").stream().map(f -> payload(f).getJsonObject("body").getString("message")).toList();
  }

  @Test
  void aSubmitWithTheTokenReplaysTheJobAndThenFollowsItLive() {
    WireClient owner = lifecycleSession(TestGateway.ALICE);
    Started job = startGateJob(owner, 2);

    WireClient later = gateway.session(TestGateway.ALICE); // without the lifecycle flag
    JsonObject submit = resumeSubmit(later, job.token());
    JsonObject accepted = later.expectAccepted(submit.getString("id"));
    assertEquals(job.jobId(), accepted.getString("job_id"), accepted.encode());
    assertEquals(GateAgent.NAME + "@" + GateAgent.VERSION, payload(accepted).getString("agent"), accepted.encode());
    JsonObject second = later.nextMatching(f -> "log".equals(payload(f).getString("kind"))
        && "step 1".equals(payload(f).getJsonObject("body").getString("message")), "the replayed step 1");
    assertEquals(2L, second.getLong("event_seq"), "replayed in the new session's own event_seq space");

    GateAgent.emit(gateway.vertx(), job.key(), 1);
    GateAgent.finish(gateway.vertx(), job.key());
    List<JsonObject> rest = later.untilTerminal(job.jobId());
    assertEquals(List.of("step 2"), logMessages(rest), "then live: " + rest);
    assertEquals("job.result", rest.get(rest.size() - 1).getString("type"));
    assertTrue(rest.stream().noneMatch(f -> "job.subscribed".equals(f.getString("type"))), rest.toString());
    owner.untilTerminal(job.jobId());
  }

  @Test
  void aFinishedJobIsReplayedToItsTerminalFrame() {
    WireClient owner = lifecycleSession(TestGateway.ALICE);
    Started job = startGateJob(owner, 1);
    GateAgent.finish(gateway.vertx(), job.key());
    owner.untilTerminal(job.jobId());

    WireClient later = gateway.session(TestGateway.ALICE);
    JsonObject submit = resumeSubmit(later, job.token());
    assertEquals(job.jobId(), later.expectAccepted(submit.getString("id")).getString("job_id"));
    List<JsonObject> frames = later.untilTerminal(job.jobId());
    assertEquals(List.of("step 0"), logMessages(frames), frames.toString());
    assertEquals(new JsonObject().put("steps", 1), payload(frames.get(frames.size() - 1)).getJsonObject("result"));
  }

  /** Bob may observe alice's jobs: the token lets him follow one, and he still may not cancel it. */
  @Test
  void anObserverFollowsWithoutCancelAuthority() {
    WireClient owner = lifecycleSession(TestGateway.ALICE);
    Started job = startGateJob(owner, 0);
    WireClient later = gateway.session(TestGateway.BOB);
    later.expectAccepted(resumeSubmit(later, job.token()).getString("id"));
    JsonObject cancel = Wire.cancel(later.sessionId(), job.jobId(), "not yours");
    later.send(cancel);
    JsonObject refusal = later.nextMatching(f -> "job.error".equals(f.getString("type"))
        && cancel.getString("id").equals(f.getString("id")), "the refused cancel");
    assertEquals("PERMISSION_DENIED", payload(refusal).getString("code"), refusal.encode());
    GateAgent.finish(gateway.vertx(), job.key());
    owner.untilTerminal(job.jobId());
  }

  @Test
  void aPrincipalWhoMayNotObserveOrAForgedTokenGetsTheSameJobNotFound() {
    WireClient owner = lifecycleSession(TestGateway.ALICE);
    Started job = startGateJob(owner, 0);

    WireClient bob = gateway.session(CAROL); // no observe grant on alice
    JsonObject stolen = assertRejectedSubmit(bob, resumeSubmit(bob, job.token()), "JOB_NOT_FOUND");
    JsonObject forged = assertRejectedSubmit(bob, resumeSubmit(bob, "jrt_" + job.jobId() + ".00"), "JOB_NOT_FOUND");
    assertEquals(payload(stolen).getString("message"), payload(forged).getString("message"));
    String unknownId = "job_01ZZZZZZZZZZZZZZZZZZZZZZZZ";
    JsonObject unknown = assertRejectedSubmit(bob, resumeSubmit(bob, "jrt_" + unknownId + ".00"), "JOB_NOT_FOUND");
    assertEquals(payload(stolen).getString("message").replace(job.jobId(), unknownId),
        payload(unknown).getString("message"));
    assertRejectedSubmit(bob, resumeSubmit(bob, "not-a-token"), "INVALID_REQUEST");
    GateAgent.finish(gateway.vertx(), job.key());
    owner.untilTerminal(job.jobId());
  }

  /**
   * A job submitted by a session without lifecycle events gets no resume token (it would be shown nowhere), so no
   * token, guessed in the token's own shape, follows it: the refusal is the one a forged token gets.
   */
  @Test
  void aJobWhoseSubmitterAskedForNoLifecycleEventsHasNoTokenToPresent() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String key = "jrt-" + KEYS.incrementAndGet();
    String jobId = owner.expectAccepted(owner.submit(GateAgent.NAME, GateAgent.input(key))).getString("job_id");
    WireClient later = gateway.session(TestGateway.ALICE);
    String guessed = "jrt_" + jobId + "." + "0".repeat(64);
    JsonObject refused = assertRejectedSubmit(later, resumeSubmit(later, guessed), "JOB_NOT_FOUND");
    assertTrue(payload(refused).getString("message").contains(jobId), refused.encode());
    GateAgent.finish(gateway.vertx(), key);
    owner.untilTerminal(jobId);
  }
}
