package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.testing.FaultyStore;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.Refusals;
import dev.arcpgateway.testing.LogCapture;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Threats from a failing store (issue 8 items 16, 18 and 19): a submission that fails after its lease was granted
 * leaves nothing behind — no lease or budget, no job address, no timer, no claimed idempotency key — and the
 * client learns only a generic INTERNAL_ERROR with an incident id, while the gateway logs the cause once with
 * the job and session. A history that cannot be read is refused, never passed off as empty; and histories are
 * replayed a bounded page at a time.
 */
class Threat_StoreFaultsTest {

  static Vertx vertx;
  static FaultyStore store;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    store = new FaultyStore();
    gateway = TestGateway.start(vertx, options -> { }, List.of(GateAgent.registration()),
        builder -> builder.store(store));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void heal() {
    store.failClaims.set(false);
    store.failJobWrites.set(false);
    store.failEventReads.set(false);
  }

  static JsonObject keyed(String key) {
    return new JsonObject().put("agent", "echo").put("input", "hi").put("idempotency_key", key)
        .put("lease_request", new JsonObject().put("cost.budget", new JsonArray().add("USD:1.50")))
        .put("max_runtime_sec", 60);
  }

  /** What the lease verticle still holds for {@code jobId}: its budget counters, or null when it holds nothing. */
  static JsonObject leaseBudget(String jobId) throws Exception {
    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.LEASE,
        new JsonObject().put("op", "budget").put("job_id", jobId)).await(10, TimeUnit.SECONDS).body();
    return reply.getJsonObject("budget");
  }

  @Test
  void anUnexpectedFailureIsLoggedOnceAndTheClientGetsAGenericMessage() {
    store.failJobWrites.set(true);
    try (LogCapture log = LogCapture.of(BusErrors.class.getName())) {
      WireClient client = gateway.session(TestGateway.ALICE);
      JsonObject submit = client.submit(new JsonObject().put("agent", "echo").put("input", "hi"));
      JsonObject error = assertRejectedSubmit(client, submit, "INTERNAL_ERROR");
      String jobId = error.getString("job_id");
      JsonObject payload = payload(error);
      String incident = payload.getJsonObject("details").getString("incident");
      assertNotNull(incident, "the client can quote the incident: " + error.encode());
      assertFalse(payload.getString("message").contains("db-7"), "no raw exception text: " + error.encode());
      assertFalse(payload.encode().contains(FaultyStore.FAULT), error.encode());

      List<LogRecord> logged = log.mentioning(Level.SEVERE, incident);
      assertEquals(1, logged.size(), "logged once: " + log.records());
      LogRecord record = logged.get(0);
      assertEquals(FaultyStore.FAULT, record.getThrown().getMessage(), "with its cause");
      String line = LogCapture.formatted(record);
      assertTrue(line.contains(jobId) && line.contains(client.sessionId()), "names the job and session: " + line);
    }
  }

  @Test
  void aJobWhoseRecordCannotBeWrittenLeavesNothingBehind() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    String key = "k-" + Wire.nextId();
    store.failJobWrites.set(true);
    JsonObject first = client.submit(keyed(key));
    String failedJob = assertRejectedSubmit(client, first, "INTERNAL_ERROR").getString("job_id");
    store.failJobWrites.set(false);

    assertNull(leaseBudget(failedJob), "the lease and its budget were released");
    JsonObject cancel = Wire.cancel(client.sessionId(), failedJob, null);
    client.send(cancel);
    JsonObject refused = client.expect("job.error");
    assertEquals(cancel.getString("id"), refused.getString("id"), refused.encode());
    assertEquals("JOB_NOT_FOUND", payload(refused).getString("code"), "no job address was left: " + refused.encode());

    assertTrue(store.released.stream().anyMatch(c -> c.jobId().equals(failedJob) && key.equals(c.key())),
        "the idempotency key was released");
    JsonObject again = client.submit(keyed(key));
    JsonObject accepted = client.expectAccepted(again.getString("id"));
    String jobId = accepted.getString("job_id");
    assertNotEquals(failedJob, jobId, "the key now stands for a new job");
    List<JsonObject> frames = client.untilTerminal(jobId);
    assertEquals("job.result", type(frames.get(frames.size() - 1)), frames.toString());
  }

  @Test
  void aFailedIdempotencyClaimReleasesTheLease() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    store.failClaims.set(true);
    JsonObject submit = client.submit(keyed("k-" + Wire.nextId()));
    String jobId = assertRejectedSubmit(client, submit, "INTERNAL_ERROR").getString("job_id");
    assertNull(leaseBudget(jobId), "the lease and its budget were released");
  }

  /** A gate job that logged {@code events} events; returns its id. */
  static String gateJob(WireClient owner, String key, int events) {
    String jobId = owner.expectAccepted(owner.submit(GateAgent.NAME, GateAgent.input(key))).getString("job_id");
    GateAgent.emit(vertx, key, events);
    for (int i = 0; i < events; i++) {
      owner.nextOfType("job.event");
    }
    return jobId;
  }

  @Test
  void aHistoryThatCannotBeReadIsRefusedNotReplayedAsEmpty() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String key = "g-" + Wire.nextId();
    String jobId = gateJob(owner, key, 3);
    WireClient watcher = gateway.session(TestGateway.ALICE);
    store.failEventReads.set(true);
    JsonObject subscribe = Leases.subscribe(watcher.sessionId(), jobId, true);
    watcher.send(subscribe);
    JsonObject refusal = watcher.next();
    assertEquals("session.error", type(refusal), "refused, not subscribed with an empty history: " + refusal);
    assertEquals("INTERNAL_ERROR", payload(refusal).getString("code"), refusal.encode());
    assertEquals(subscribe.getString("id"), payload(refusal).getJsonObject("details").getString("request_id"));
    assertFalse(payload(refusal).encode().contains("db-7"), refusal.encode());
    JsonObject jobless = watcher.expect("job.error");
    assertEquals(subscribe.getString("id"), jobless.getString("id"), jobless.encode());
    store.failEventReads.set(false);

    GateAgent.finish(vertx, key);
    owner.untilTerminal(jobId);
    Refusals.assertUsable(watcher); // the very next frame is the pong: refused, it got none of the job's frames
  }

  @Test
  void theSubmitterRefusedAHistoryKeepsItsJobsStream() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String key = "g-" + Wire.nextId();
    String jobId = gateJob(owner, key, 2);
    store.failEventReads.set(true);
    JsonObject subscribe = Leases.subscribe(owner.sessionId(), jobId, true);
    owner.send(subscribe);
    assertEquals("session.error", type(owner.next()));
    assertEquals(subscribe.getString("id"), owner.expect("job.error").getString("id"));
    store.failEventReads.set(false);

    GateAgent.emit(vertx, key, 1);
    assertEquals("job.event", type(owner.next()), "its own job's frames still come");
    GateAgent.finish(vertx, key);
    assertEquals("job.result", type(owner.next()));
  }

  @Test
  void aLongHistoryIsReplayedInBoundedPages() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String key = "g-" + Wire.nextId();
    int events = 700; // below the acknowledgement lag at which delivery is held
    String jobId = gateJob(owner, key, events);
    store.readLimits.clear();

    WireClient live = gateway.session(TestGateway.ALICE);
    live.send(Leases.subscribe(live.sessionId(), jobId, true));
    for (int i = 0; i < events; i++) {
      assertEquals("job.event", type(live.next()));
    }
    assertEquals("job.subscribed", type(live.next()));
    GateAgent.finish(vertx, key);
    owner.untilTerminal(jobId);

    WireClient late = gateway.session(TestGateway.ALICE);
    late.send(Leases.subscribe(late.sessionId(), jobId, true));
    List<JsonObject> replay = late.untilTerminal(jobId);
    assertEquals(events + 1, replay.size(), "every event and the result");
    assertEquals("job.subscribed", type(late.next()));
    assertTrue(store.readLimits.size() >= 4 && store.readLimits.stream().allMatch(limit -> limit <= 512),
        "pages of at most 512 events for both replays: " + store.readLimits);
  }
}
