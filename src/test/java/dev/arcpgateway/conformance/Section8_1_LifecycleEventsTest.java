package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertGapFree;
import static dev.arcpgateway.testing.JobFrames.events;
import static dev.arcpgateway.testing.JobFrames.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
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
 * Seed rows §8.1 job.queued, §8.2 job.started, §8.9 job.heartbeat: on the wire as {@code status} events with
 * {@code phase} {@code queued}, {@code started} (carrying the job's resume token) and {@code heartbeat}, for
 * sessions that negotiated {@code x-vendor.arcpgateway.lifecycle}; sessions that did not never see them.
 */
@ExtendWith(VertxExtension.class)
class Section8_1_LifecycleEventsTest {

  static final AtomicInteger KEYS = new AtomicInteger();
  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setJobHeartbeatSec(1), List.of(GateAgent.registration()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static List<String> withLifecycle() {
    List<String> features = new ArrayList<>(Feature.ALL);
    features.add(Feature.LIFECYCLE);
    return features;
  }

  static String phase(JsonObject frame) {
    return payload(frame).getJsonObject("body").getString("phase");
  }

  static boolean isStatus(JsonObject frame, String phase) {
    return "job.event".equals(frame.getString("type")) && "status".equals(payload(frame).getString("kind"))
        && phase.equals(phase(frame));
  }

  @Test
  void theWelcomeOffersTheFlagOnlyToClientsThatAskForIt() {
    WireClient asking = Continuity.session(gateway, TestGateway.ALICE, withLifecycle());
    assertTrue(asking.welcome().getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
        .contains(Feature.LIFECYCLE), asking.welcome().encode());
    WireClient plain = gateway.session(TestGateway.ALICE);
    assertFalse(plain.welcome().getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
        .contains(Feature.LIFECYCLE), plain.welcome().encode());
  }

  @Test
  void queuedThenStartedWithAResumeTokenBeforeTheAgentsOwnEvents() {
    WireClient client = Continuity.session(gateway, TestGateway.ALICE, withLifecycle());
    String jobId = client.expectAccepted(client.submit("echo", "hi")).getString("job_id");
    List<JsonObject> frames = client.untilTerminal(jobId);
    List<JsonObject> statuses = events(frames, "status");
    assertEquals(List.of("queued", "started"), statuses.stream().map(Section8_1_LifecycleEventsTest::phase).toList(),
        frames.toString());
    JsonObject started = payload(statuses.get(1)).getJsonObject("body");
    assertTrue(started.getString("resume_token").startsWith("jrt_" + jobId + "."), started.encode());
    assertGapFree(frames);
  }

  @Test
  void aRunningJobHeartbeatsToSessionsThatAskedAndNobodyElse() {
    WireClient asking = Continuity.session(gateway, TestGateway.ALICE, withLifecycle());
    String key = "lifecycle-" + KEYS.incrementAndGet();
    String jobId = asking.expectAccepted(asking.submit(GateAgent.NAME, GateAgent.input(key))).getString("job_id");
    JsonObject heartbeat = asking.nextMatching(f -> isStatus(f, "heartbeat"), "a heartbeat status event");
    assertEquals(jobId, heartbeat.getString("job_id"));
    GateAgent.finish(gateway.vertx(), key);
    asking.untilTerminal(jobId);

    WireClient plain = gateway.session(TestGateway.ALICE);
    String otherKey = "lifecycle-" + KEYS.incrementAndGet();
    String otherJob = plain.expectAccepted(plain.submit(GateAgent.NAME, GateAgent.input(otherKey)))
        .getString("job_id");
    // two heartbeat intervals pass while the job runs; the agent's own event marks the end of the window
    asking.send(Continuity.subscribe(asking.sessionId(), otherJob, false, null));
    asking.nextMatching(f -> isStatus(f, "heartbeat") && otherJob.equals(f.getString("job_id")),
        "a heartbeat of the other job, seen by the lifecycle subscriber");
    asking.nextMatching(f -> isStatus(f, "heartbeat") && otherJob.equals(f.getString("job_id")),
        "a second heartbeat of the other job");
    GateAgent.emit(gateway.vertx(), otherKey, 1);
    GateAgent.finish(gateway.vertx(), otherKey);
    List<JsonObject> plainFrames = plain.untilTerminal(otherJob);
    assertTrue(events(plainFrames, "status").isEmpty(), "no lifecycle events without the flag: " + plainFrames);
    assertEquals(1, events(plainFrames, "log").size(), plainFrames.toString());
  }
}
