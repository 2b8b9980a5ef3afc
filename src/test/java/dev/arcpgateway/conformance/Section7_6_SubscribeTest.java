package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRequestRefused;
import static dev.arcpgateway.testing.Continuity.code;
import static dev.arcpgateway.testing.Continuity.gateIndex;
import static dev.arcpgateway.testing.Continuity.isType;
import static dev.arcpgateway.testing.Continuity.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.IsolatedGateway;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §7.6 subscription, §7.7 and §14 (subscription scope, no cancel authority), wire-notes §5.6 and §13
 * ("job.subscribed": after the replay, boolean {@code replayed}, {@code request_id}, {@code parent_job_id:null};
 * forwarded frames renumbered in the subscriber's own {@code event_seq} space).
 */
@ExtendWith(VertxExtension.class)
class Section7_6_SubscribeTest {

  static final AtomicInteger KEYS = new AtomicInteger();
  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, List.of(GateAgent.registration()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** A running gate job of {@code submitter}, after two echo jobs so that its events do not start at seq 1. */
  static JsonObject startGateJob(TestGateway gw, WireClient submitter, String key) {
    for (int i = 0; i < 2; i++) {
      submitter.submit("echo", new JsonObject());
      submitter.expect("job.accepted");
      submitter.expect("job.result");
    }
    submitter.submit(GateAgent.NAME, GateAgent.input(key));
    return submitter.expect("job.accepted");
  }

  static String key() {
    return "sub-" + KEYS.incrementAndGet();
  }

  /** Sends job.subscribe and returns its request frame. */
  static JsonObject subscribe(WireClient client, String jobId, Boolean history, Long from) {
    JsonObject request = Continuity.subscribe(client.sessionId(), jobId, history, from);
    client.send(request);
    return request;
  }

  static void assertSubscribed(JsonObject frame, JsonObject request, JsonObject accepted, String status,
                               long subscribedFrom, boolean replayed) {
    assertEquals("job.subscribed", frame.getString("type"), frame.encode());
    JsonObject payload = frame.getJsonObject("payload");
    String jobId = accepted.getString("job_id");
    assertEquals(jobId, frame.getString("job_id"), "envelope job_id");
    assertNull(frame.getValue("event_seq"), "job.subscribed is not numbered");
    assertEquals(jobId, payload.getString("job_id"));
    assertEquals(status, payload.getString("current_status"));
    assertEquals(accepted.getJsonObject("payload").getString("agent"), payload.getString("agent"));
    assertEquals(accepted.getJsonObject("payload").getJsonObject("lease"), payload.getJsonObject("lease"));
    assertTrue(payload.containsKey("parent_job_id") && payload.getValue("parent_job_id") == null, payload.encode());
    assertEquals(accepted.getJsonObject("payload").getString("trace_id"), payload.getString("trace_id"));
    assertEquals(subscribedFrom, payload.getLong("subscribed_from"), payload.encode());
    assertEquals(replayed, payload.getValue("replayed"), "replayed is a boolean: " + payload.encode());
    assertEquals(request.getString("id"), payload.getString("request_id"));
    assertFalse(payload.containsKey("credentials"));
  }

  /** A gate log event numbered {@code seq} in the receiving session, carrying job step {@code step}. */
  static void assertStep(JsonObject frame, String jobId, long seq, int step) {
    assertEquals("job.event", frame.getString("type"), frame.encode());
    assertEquals(jobId, frame.getString("job_id"));
    assertEquals(seq, seq(frame), frame.encode());
    assertEquals(step, gateIndex(frame), frame.encode());
  }

  static String message(JsonObject error) {
    return error.getJsonObject("payload").getString("message");
  }

  static void sync(WireClient client) {
    String nonce = "sync-" + System.nanoTime();
    client.send(Continuity.ping(client.sessionId(), nonce));
    client.nextMatching(f -> isType(f, "session.pong")
        && nonce.equals(f.getJsonObject("payload").getString("ping_nonce")), "pong " + nonce);
  }

  @Test
  void withoutTheFeatureSubscribeIsInvalidRequest() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String key = key();
    String jobId = startGateJob(gateway, owner, key).getString("job_id");
    WireClient client = Continuity.session(gateway, TestGateway.ALICE, Continuity.featuresWithout("subscribe"));
    JsonObject request = subscribe(client, jobId, true, 0L);
    assertRequestRefused(client, request.getString("id"), "INVALID_REQUEST");
    GateAgent.finish(gateway.vertx(), key);
  }

  @Test
  void anotherPrincipalsJobIsIndistinguishableFromAnUnknownOne() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    String key = key();
    String jobId = startGateJob(gateway, alice, key).getString("job_id");

    WireClient bob = gateway.session(TestGateway.BOB);
    JsonObject request = subscribe(bob, jobId, true, 0L);
    JsonObject foreign = assertRequestRefused(bob, request.getString("id"), "JOB_NOT_FOUND");
    GateAgent.emit(gateway.vertx(), key, 1);
    bob.expectSilence(Duration.ofMillis(300)); // a denied subscription delivers nothing

    // §14: the same answer, up to the id asked about, for a job that does not exist
    String unknownId = "job_01ZZZZZZZZZZZZZZZZZZZZZZZZ";
    JsonObject unknownRequest = subscribe(bob, unknownId, false, null);
    JsonObject unknown = assertRequestRefused(bob, unknownRequest.getString("id"), "JOB_NOT_FOUND");
    assertEquals(message(foreign).replace(jobId, unknownId), message(unknown));
    GateAgent.finish(gateway.vertx(), key);
  }

  @Test
  void withoutHistoryOnlyLaterEventsAfterTheSubscribed() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    String key = key();
    JsonObject accepted = startGateJob(gateway, submitter, key);
    String jobId = accepted.getString("job_id");
    GateAgent.emit(gateway.vertx(), key, 3);
    for (int i = 0; i < 3; i++) {
      assertStep(submitter.next(), jobId, 3 + i, i);
    }

    WireClient watcher = gateway.session(TestGateway.ALICE);
    JsonObject request = subscribe(watcher, jobId, null, null);
    assertSubscribed(watcher.next(), request, accepted, "running", 0, false);
    GateAgent.emit(gateway.vertx(), key, 2);
    assertStep(watcher.next(), jobId, 1, 3);
    assertStep(watcher.next(), jobId, 2, 4);
    GateAgent.finish(gateway.vertx(), key);
    JsonObject result = watcher.next();
    assertEquals("job.result", result.getString("type"), result.encode());
    assertEquals(3, seq(result));
    assertEquals(5, result.getJsonObject("payload").getJsonObject("result").getInteger("steps"));
    watcher.expectSilence(Duration.ofMillis(200));

    assertStep(submitter.next(), jobId, 6, 3);
    assertStep(submitter.next(), jobId, 7, 4);
    assertEquals(8, seq(submitter.expect("job.result")));
  }

  @Test
  void historyFromZeroReplaysEverythingRenumberedThenSubscribedThenLive() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    String key = key();
    JsonObject accepted = startGateJob(gateway, submitter, key);
    String jobId = accepted.getString("job_id");
    GateAgent.emit(gateway.vertx(), key, 3);
    for (int i = 0; i < 3; i++) {
      assertStep(submitter.next(), jobId, 3 + i, i); // the submitter's seqs: after its two echo results
    }

    WireClient watcher = gateway.session(TestGateway.ALICE);
    JsonObject request = subscribe(watcher, jobId, true, 0L);
    for (int i = 0; i < 3; i++) {
      assertStep(watcher.next(), jobId, i + 1, i); // the subscriber's own seq space, from 1
    }
    assertSubscribed(watcher.next(), request, accepted, "running", 3, true);
    GateAgent.emit(gateway.vertx(), key, 2);
    assertStep(watcher.next(), jobId, 4, 3);
    assertStep(watcher.next(), jobId, 5, 4);
    GateAgent.finish(gateway.vertx(), key);
    assertEquals(6, seq(watcher.expect("job.result")));
    watcher.expectSilence(Duration.ofMillis(200));
  }

  /**
   * History replay racing live events: the job emits 5,000 events in rounds from another thread while the
   * subscription with history is set up; the subscriber gets every event exactly once, in order, gap-free in its
   * own seq space, with job.subscribed (subscribed_from = its last seq after the replay) between history and
   * live events, then the result.
   */
  @Test
  void historyWhileTheJobRunsHasNoDuplicatesAndNoGaps() throws InterruptedException {
    WireClient submitter = Continuity.session(gateway, TestGateway.ALICE, Continuity.featuresWithout("ack"));
    String key = key();
    submitter.submit(GateAgent.NAME, GateAgent.input(key));
    String jobId = submitter.expect("job.accepted").getString("job_id");
    GateAgent.emit(gateway.vertx(), key, 300);
    WireClient watcher = Continuity.session(gateway, TestGateway.ALICE, Continuity.featuresWithout("ack"));
    CountDownLatch live = new CountDownLatch(1);
    Thread emitter = new Thread(() -> {
      for (int round = 0; round < 47; round++) {
        GateAgent.emit(gateway.vertx(), key, 100);
        if (round == 2) {
          live.countDown();
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
      GateAgent.finish(gateway.vertx(), key);
    });
    emitter.start();
    assertTrue(live.await(10, TimeUnit.SECONDS));
    JsonObject request = subscribe(watcher, jobId, true, 0L);
    int next = 0;
    long seq = 0;
    JsonObject subscribed = null;
    while (true) {
      JsonObject frame = watcher.next();
      if (isType(frame, "job.subscribed")) {
        assertNull(subscribed, "one job.subscribed");
        subscribed = frame;
        JsonObject payload = frame.getJsonObject("payload");
        assertEquals(seq, payload.getLong("subscribed_from"), "subscribed_from is the last seq after the replay");
        assertEquals(request.getString("id"), payload.getString("request_id"));
        assertEquals(true, payload.getValue("replayed"));
        assertEquals("running", payload.getString("current_status"), "subscribed while the job runs");
        continue;
      }
      assertEquals(++seq, seq(frame), "gap-free: " + frame.encode());
      if (isType(frame, "job.result")) {
        break;
      }
      assertEquals(next++, gateIndex(frame), "no duplicates, no gaps");
    }
    emitter.join(10_000);
    assertNotNull(subscribed, "job.subscribed before the job.result");
    assertEquals(5_000, next);
    assertTrue(subscribed.getJsonObject("payload").getLong("subscribed_from") >= 300,
        "the history replayed the events emitted before the subscribe");
    assertTrue(subscribed.getJsonObject("payload").getLong("subscribed_from") < 5_000,
        "live events followed the subscribe");
  }

  /** The authority descriptor echoes lease_constraints and the current budget counters as numbers (§7.6). */
  @Test
  void subscribedCarriesLeaseConstraintsAndCurrentBudget() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    String key = key();
    String expiresAt = java.time.Instant.now().plusSeconds(3_600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .toString();
    JsonObject submit = Wire.submit(submitter.sessionId(), GateAgent.NAME, GateAgent.input(key));
    submit.getJsonObject("payload")
        .put("lease_request", new JsonObject().put("cost.budget", new JsonArray().add("USD:5.00")))
        .put("lease_constraints", new JsonObject().put("expires_at", expiresAt));
    submitter.send(submit);
    JsonObject accepted = submitter.expect("job.accepted");
    String jobId = accepted.getString("job_id");

    WireClient watcher = gateway.session(TestGateway.ALICE);
    JsonObject request = subscribe(watcher, jobId, false, null);
    JsonObject subscribed = watcher.next();
    assertSubscribed(subscribed, request, accepted, "running", 0, false);
    JsonObject payload = subscribed.getJsonObject("payload");
    assertEquals(expiresAt, payload.getJsonObject("lease_constraints").getString("expires_at"), payload.encode());
    Object usd = payload.getJsonObject("budget", new JsonObject()).getValue("USD");
    assertTrue(usd instanceof Number, "budget counters are numbers: " + payload.encode());
    assertEquals(0, new java.math.BigDecimal(usd.toString()).compareTo(new java.math.BigDecimal("5.00")));
    GateAgent.finish(gateway.vertx(), key);
  }

  @Test
  void fromEventSeqSkipsTheJobsFirstEvents() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    String key = key();
    JsonObject accepted = startGateJob(gateway, submitter, key);
    String jobId = accepted.getString("job_id");
    GateAgent.emit(gateway.vertx(), key, 5);
    for (int i = 0; i < 5; i++) {
      submitter.nextOfType("job.event"); // each reaches its session once stored: all five are history now
    }

    WireClient watcher = gateway.session(TestGateway.ALICE);
    JsonObject request = subscribe(watcher, jobId, true, 3L);
    assertStep(watcher.next(), jobId, 1, 3);
    assertStep(watcher.next(), jobId, 2, 4);
    assertSubscribed(watcher.next(), request, accepted, "running", 2, true);
    GateAgent.finish(gateway.vertx(), key);
    assertEquals(3, seq(watcher.expect("job.result")));
  }

  @Test
  void aFinishedJobIsReplayedWithItsFinalStatus() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    String key = key();
    JsonObject accepted = startGateJob(gateway, submitter, key);
    String jobId = accepted.getString("job_id");
    GateAgent.emit(gateway.vertx(), key, 3);
    GateAgent.finish(gateway.vertx(), key);
    submitter.untilTerminal(jobId);

    WireClient watcher = gateway.session(TestGateway.ALICE);
    JsonObject request = subscribe(watcher, jobId, true, 0L);
    for (int i = 0; i < 3; i++) {
      assertStep(watcher.next(), jobId, i + 1, i);
    }
    JsonObject result = watcher.next();
    assertEquals("job.result", result.getString("type"), result.encode());
    assertEquals(4, seq(result));
    assertSubscribed(watcher.next(), request, accepted, "success", 4, true);
    watcher.expectSilence(Duration.ofMillis(200));

    WireClient late = gateway.session(TestGateway.ALICE);
    JsonObject liveOnly = subscribe(late, jobId, false, null);
    assertSubscribed(late.next(), liveOnly, accepted, "success", 0, false);
    late.expectSilence(Duration.ofMillis(200));
  }

  @Test
  void unsubscribeStopsDelivery() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    String key = key();
    JsonObject accepted = startGateJob(gateway, submitter, key);
    String jobId = accepted.getString("job_id");
    WireClient watcher = gateway.session(TestGateway.ALICE);
    subscribe(watcher, jobId, false, null);
    watcher.expect("job.subscribed");
    GateAgent.emit(gateway.vertx(), key, 1);
    assertStep(watcher.next(), jobId, 1, 0);

    watcher.send(Continuity.unsubscribe(watcher.sessionId(), jobId));
    sync(watcher);
    GateAgent.emit(gateway.vertx(), key, 2);
    GateAgent.finish(gateway.vertx(), key);
    List<JsonObject> all = submitter.untilTerminal(jobId);
    assertEquals(4, all.size(), "the submitter still gets everything");
    watcher.expectSilence(Duration.ofMillis(400));
  }

  /** Subscription confers no cancel authority (§7.6, §7.7, §14), even to a principal allowed to observe. */
  @Test
  void aSubscriberCannotCancel() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options ->
        options.setObservers(new JsonObject().put("bob", new JsonArray().add("alice"))),
        List.of(GateAgent.registration()))) {
      TestGateway gw = isolated.gateway();
      WireClient alice = gw.session(TestGateway.ALICE);
      String key = key();
      JsonObject accepted = startGateJob(gw, alice, key);
      String jobId = accepted.getString("job_id");

      WireClient bob = gw.session(TestGateway.BOB);
      JsonObject request = subscribe(bob, jobId, false, null);
      assertSubscribed(bob.next(), request, accepted, "running", 0, false);
      JsonObject cancel = Wire.cancel(bob.sessionId(), jobId, "not yours");
      bob.send(cancel);
      JsonObject refused = bob.next();
      assertEquals("job.error", refused.getString("type"), refused.encode());
      assertEquals(cancel.getString("id"), refused.getString("id"), "the carrier echoes the cancel's id");
      assertEquals("PERMISSION_DENIED", code(refused));
      assertNull(refused.getValue("event_seq"), "a refused request is not a job event");

      GateAgent.emit(gw.vertx(), key, 1);
      assertStep(bob.next(), jobId, 1, 0);
      GateAgent.finish(gw.vertx(), key);
      JsonObject result = bob.next();
      assertEquals("job.result", result.getString("type"), "the job was not cancelled: " + result.encode());
      List<JsonObject> aliceFrames = alice.untilTerminal(jobId);
      assertEquals("job.result", aliceFrames.get(aliceFrames.size() - 1).getString("type"));
      assertTrue(aliceFrames.stream().noneMatch(f -> isType(f, "job.cancelled")), aliceFrames.toString());
    }
  }

  /** Without an observe grant the job does not exist for bob: his cancel gets JOB_NOT_FOUND. */
  @Test
  void cancelOfAnotherPrincipalsJobWithoutGrantIsJobNotFound() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    String key = key();
    String jobId = startGateJob(gateway, alice, key).getString("job_id");
    WireClient bob = gateway.session(TestGateway.BOB);
    JsonObject cancel = Wire.cancel(bob.sessionId(), jobId, "not yours");
    bob.send(cancel);
    JsonObject refused = bob.next();
    assertEquals("job.error", refused.getString("type"), refused.encode());
    assertEquals(cancel.getString("id"), refused.getString("id"));
    assertEquals("JOB_NOT_FOUND", code(refused));
    GateAgent.finish(gateway.vertx(), key);
    assertEquals("job.result", alice.untilTerminal(jobId).get(0).getString("type"));
  }

  /** A subscription belongs to the subscriber's session: it survives that session's own drop and resume. */
  @Test
  void aSubscriptionSurvivesTheSubscribersResume() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    String key = key();
    String jobId = startGateJob(gateway, submitter, key).getString("job_id");
    WireClient watcher = gateway.session(TestGateway.ALICE);
    subscribe(watcher, jobId, false, null);
    watcher.expect("job.subscribed");
    GateAgent.emit(gateway.vertx(), key, 1);
    assertStep(watcher.next(), jobId, 1, 0);
    watcher.drop();

    GateAgent.emit(gateway.vertx(), key, 2);
    GateAgent.finish(gateway.vertx(), key);
    WireClient back = Continuity.resumeOn(gateway,
        Continuity.sessionResume(watcher.sessionId(), Continuity.resumeToken(watcher), 1));
    assertStep(back.next(), jobId, 2, 1);
    assertStep(back.next(), jobId, 3, 2);
    assertEquals(4, seq(back.expect("job.result")));
  }

  /** §13.3: if the submitter's transport drops, the job keeps running and the subscriber keeps observing. */
  @Test
  void theSubscriberKeepsReceivingWhenTheSubmitterDrops() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    String key = key();
    String jobId = startGateJob(gateway, submitter, key).getString("job_id");
    WireClient watcher = gateway.session(TestGateway.ALICE);
    subscribe(watcher, jobId, false, null);
    watcher.expect("job.subscribed");
    submitter.drop();

    GateAgent.emit(gateway.vertx(), key, 2);
    GateAgent.finish(gateway.vertx(), key);
    assertStep(watcher.next(), jobId, 1, 0);
    assertStep(watcher.next(), jobId, 2, 1);
    JsonObject result = watcher.next();
    assertEquals("job.result", result.getString("type"));
    assertEquals(3, seq(result));
  }
}
