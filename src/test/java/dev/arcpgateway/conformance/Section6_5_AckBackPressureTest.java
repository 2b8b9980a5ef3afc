package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRefusedBeforeWelcome;
import static dev.arcpgateway.testing.Continuity.chattyIndex;
import static dev.arcpgateway.testing.Continuity.gateIndex;
import static dev.arcpgateway.testing.Continuity.isType;
import static dev.arcpgateway.testing.Continuity.resumeOn;
import static dev.arcpgateway.testing.Continuity.resumeToken;
import static dev.arcpgateway.testing.Continuity.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.IsolatedGateway;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §6.5 event acknowledgement and §13.2 slow consumers: {@code session.ack} frees buffered frames (a resume then
 * cannot reach behind the ack), a client that acknowledges and lags by more than the configured lag gets a
 * {@code status} event with {@code phase:"back_pressure"} and its jobs are paused until it catches up (delivery is
 * never held for acks), and a client that stops reading neither slows other sessions nor makes the gateway buffer
 * without bound.
 */
@ExtendWith(VertxExtension.class)
class Section6_5_AckBackPressureTest {

  static final int LAG = 100;
  static final List<String> NO_ACK = Continuity.featuresWithout("ack");

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setBackPressureLag(LAG));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Waits until the gateway processed everything sent so far (frames of one session are handled in order). */
  static void sync(WireClient client) {
    String nonce = "sync-" + System.nanoTime();
    client.send(Continuity.ping(client.sessionId(), nonce));
    client.nextMatching(f -> "session.pong".equals(f.getString("type"))
        && nonce.equals(f.getJsonObject("payload").getString("ping_nonce")), "pong " + nonce);
  }

  @Test
  void ackFreesBufferedFramesUpToTheAcknowledgedSeq() {
    WireClient client = gateway.session(TestGateway.ALICE);
    for (int i = 1; i <= 5; i++) {
      client.submit("echo", new JsonObject().put("i", i));
      client.expect("job.accepted");
      assertEquals(i, seq(client.expect("job.result")));
    }
    client.send(Continuity.ack(client.sessionId(), 3));
    sync(client);
    client.drop();

    WireClient behindTheAck = gateway.connect();
    JsonObject tooOld = Continuity.sessionResume(client.sessionId(), resumeToken(client), 2);
    behindTheAck.send(tooOld);
    assertRefusedBeforeWelcome(behindTheAck, tooOld.getString("id"), "RESUME_WINDOW_EXPIRED", client.sessionId());

    WireClient atTheAck = resumeOn(gateway, Continuity.sessionResume(client.sessionId(), resumeToken(client), 3));
    assertEquals(4, seq(atTheAck.expect("job.result")));
    assertEquals(5, seq(atTheAck.expect("job.result")));
    atTheAck.expectSilence(Duration.ofMillis(200));
  }

  /**
   * §6.5 lets a runtime keep unacknowledged events past the resume window; this gateway bounds every parked
   * session by the window, acknowledging or not (the contract: "events not yet acked are kept for the
   * resume window", and a resume after it gets RESUME_WINDOW_EXPIRED), so that a client that vanished never
   * pins memory. A client that negotiated {@code ack} and left one event unacknowledged is refused after the
   * window like any other.
   */
  @Test
  void theResumeWindowBoundsUnacknowledgedEventsToo() throws InterruptedException {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setResumeWindowSec(1))) {
      TestGateway gw = isolated.gateway();
      WireClient client = gw.session(TestGateway.ALICE);
      assertTrue(client.welcome().getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
          .contains("ack"));
      client.submit("echo", new JsonObject());
      client.expect("job.accepted");
      assertEquals(1, seq(client.expect("job.result")));
      client.drop();
      Thread.sleep(2_200);

      WireClient late = gw.connect();
      late.send(Continuity.sessionResume(client.sessionId(), resumeToken(client), 0));
      JsonObject answer = late.next();
      assertEquals("session.error", answer.getString("type"), answer.encode());
      assertEquals("RESUME_WINDOW_EXPIRED", answer.getJsonObject("payload").getString("code"), answer.encode());
    }
  }

  /**
   * Issue 8 item 11. A client that acknowledges (here once, {@code last_processed_seq} 0, before its job) and then
   * lags by more than 100 events gets a back_pressure status on the job it is reading, before that job's result.
   * It is a signal, never a hold: a ping is still answered and a new submit is accepted and runs to its result,
   * while the lagging session's running job is paused (its result does not come until the client acknowledges).
   * Once the acknowledgements catch up the job goes on, and every event arrives exactly once, in order, gap-free.
   * Before, everything after the status (the pong and the job.accepted included) was withheld until an ack.
   */
  @Test
  void backPressureIsASignalThatPausesTheJobsNeverAHoldOnDelivery() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Continuity.ack(client.sessionId(), 0));
    sync(client);
    client.submit("chatty", new JsonObject().put("count", 20_000).put("size", 32));
    String jobId = client.expect("job.accepted").getString("job_id");

    List<JsonObject> frames = new ArrayList<>();
    JsonObject backPressure = null;
    while (backPressure == null) {
      JsonObject frame = client.next();
      frames.add(frame);
      assertEquals(frames.size(), seq(frame), frame.encode());
      assertEquals("job.event", frame.getString("type"), "the job cannot have ended yet: " + frame.encode());
      if (isBackPressure(frame)) {
        backPressure = frame;
      }
    }
    assertEquals(jobId, backPressure.getString("job_id"), "the signal names the running job");
    assertEquals(LAG + 2, seq(backPressure), "back_pressure once more than " + LAG + " events are unacknowledged");

    String nonce = "while-lagging";
    client.send(Continuity.ping(client.sessionId(), nonce));
    String echoRequest = client.submit("echo", new JsonObject().put("while", "lagging"));
    boolean ponged = false;
    String echoJob = null;
    JsonObject echoResult = null;
    while (!ponged || echoResult == null) {
      JsonObject frame = client.next();
      if (isType(frame, "session.pong")) {
        assertEquals(nonce, frame.getJsonObject("payload").getString("ping_nonce"));
        ponged = true;
      } else if (isType(frame, "job.accepted")) {
        assertEquals(echoRequest, frame.getJsonObject("payload").getString("request_id"));
        echoJob = frame.getString("job_id");
      } else {
        frames.add(frame);
        assertEquals(frames.size(), seq(frame), "gap-free: " + frame.encode());
        if (isType(frame, "job.result")) {
          assertEquals(echoJob, frame.getString("job_id"), "only the new job ends while the client lags: "
              + frame.encode());
          echoResult = frame;
        }
      }
    }

    long acked = frames.size();
    client.send(Continuity.ack(client.sessionId(), acked));
    while (!(isType(frames.get(frames.size() - 1), "job.result") && jobId.equals(frames.get(frames.size() - 1)
        .getString("job_id")))) {
      JsonObject frame = client.next();
      frames.add(frame);
      assertEquals(frames.size(), seq(frame), "gap-free after the ack: " + frame.encode());
      if (seq(frame) - acked >= 50) {
        acked = seq(frame);
        client.send(Continuity.ack(client.sessionId(), acked));
      }
    }
    int next = 0;
    for (JsonObject frame : frames) {
      int index = chattyIndex(frame);
      if (index >= 0) {
        assertEquals(next++, index, "chatty events exactly once, in order");
      } else if (!"job.result".equals(frame.getString("type"))) {
        assertTrue(isBackPressure(frame), "only chatty logs and back_pressure statuses: " + frame.encode());
      }
    }
    assertEquals(20_000, next, "every chatty event arrived");
  }

  /**
   * Issue 8 item 11: {@code ack} negotiated but never sent (the TypeScript client's default). Such a client is not
   * lagging: it reads a 1,000-event job with no back_pressure and nothing withheld, and its next ping and submit
   * are answered. Before, delivery stopped after 100 events until an ack that never came.
   */
  @Test
  void aClientThatNeverAcknowledgesIsNotLagging() {
    WireClient client = gateway.session(TestGateway.ALICE);
    assertTrue(client.welcome().getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
        .contains("ack"));
    client.submit("chatty", new JsonObject().put("count", 1_000).put("size", 32));
    String jobId = client.expect("job.accepted").getString("job_id");
    List<JsonObject> frames = client.untilTerminal(jobId);
    assertEquals(1_001, frames.size());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(i + 1, seq(frames.get(i)));
      assertFalse(isBackPressure(frames.get(i)), frames.get(i).encode());
    }
    sync(client);
    client.submit("echo", new JsonObject());
    String echoJob = client.expect("job.accepted").getString("job_id");
    assertEquals(echoJob, client.expect("job.result").getString("job_id"));
  }

  /**
   * Issue 8 item 11: the back_pressure status names a job the client still follows. An acknowledging client that
   * lags across 120 one-frame jobs (each only a job.result) never gets a status after a job's result: both SDK
   * clients drop events of a job they saw end. Before, the status followed the 101st job's result.
   */
  @Test
  void backPressureNeverFollowsItsJobsResult() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Continuity.ack(client.sessionId(), 0));
    sync(client);
    int jobs = 120;
    for (int i = 0; i < jobs; i++) {
      client.submit("echo", new JsonObject().put("i", i));
    }
    Set<String> ended = new HashSet<>();
    while (ended.size() < jobs) {
      JsonObject frame = client.next();
      if (isBackPressure(frame)) {
        assertFalse(ended.contains(frame.getString("job_id")), "back_pressure after its job's result: "
            + frame.encode());
      } else if (isType(frame, "job.result")) {
        ended.add(frame.getString("job_id"));
      }
    }
    sync(client);
    assertTrue(client.drain().stream().noneMatch(Section6_5_AckBackPressureTest::isBackPressure));
  }

  /** Back-pressure is for clients that acknowledge: without the ack feature the stream is never held. */
  @Test
  void withoutTheAckFeatureThereIsNoBackPressure() {
    WireClient client = Continuity.session(gateway, TestGateway.ALICE, NO_ACK);
    client.submit("chatty", new JsonObject().put("count", 1_000).put("size", 32));
    String jobId = client.expect("job.accepted").getString("job_id");
    List<JsonObject> frames = client.untilTerminal(jobId);
    assertEquals(1_001, frames.size());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(i + 1, seq(frames.get(i)));
      assertFalse(isBackPressure(frames.get(i)), frames.get(i).encode());
    }
    assertEquals("job.result", frames.get(1_000).getString("type"));
  }

  /**
   * Slow reader vs fast reader, default caps. One client stops reading its socket at the start of a 20,000 ×
   * 4 KiB chatty job (about 85 MB of frames); a fast client's 20,000-event job in another session then finishes
   * within 10 s. This proves: a reader that does not keep up does not hold back other sessions; the gateway does
   * not run the slow job to its end into a buffer (once the network buffers are full its agent is throttled, so
   * the job is still running while its client does not read); and nothing is lost (after reading on, the slow
   * client gets every event once, in order, and the result).
   */
  @Test
  void slowReaderDoesNotHoldUpAFastReaderAndLosesNothing() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> { })) {
      TestGateway gw = isolated.gateway();
      WireClient slow = Continuity.session(gw, TestGateway.ALICE, NO_ACK);
      slow.submit("chatty", new JsonObject().put("count", 20_000).put("size", 4_096));
      String slowJob = slow.expect("job.accepted").getString("job_id");
      slow.pauseReading();

      WireClient fast = Continuity.session(gw, TestGateway.BOB, NO_ACK);
      long start = System.nanoTime();
      fast.submit("chatty", new JsonObject().put("count", 20_000).put("size", 32));
      String fastJob = fast.expect("job.accepted").getString("job_id");
      assertWholeChattyJob(fast, fastJob, 20_000, 1);
      long fastMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertTrue(fastMs < 10_000, "the fast reader's 20,000 events took " + fastMs + " ms");

      WireClient observer = gw.session(TestGateway.ALICE);
      observer.send(Continuity.listJobs(observer.sessionId(), new JsonObject()));
      JsonArray jobs = observer.nextOfType("session.jobs").getJsonObject("payload").getJsonArray("jobs");
      JsonObject slowEntry = jobs.stream().map(JsonObject.class::cast)
          .filter(j -> slowJob.equals(j.getString("job_id"))).findFirst().orElseThrow();
      assertEquals("running", slowEntry.getString("status"),
          "while its client does not read, the slow job is throttled, not run to the end into a buffer");

      slow.resumeReading();
      assertWholeChattyJob(slow, slowJob, 20_000, 1);
    }
  }

  /**
   * A client reading as fast as it can is not a slow consumer. With resume_buffer_max_bytes at 8 MiB, a chatty
   * job of 100 log events of 1 MB each (one agent batch) reaches the session as a burst larger than the cap; the
   * client, which reads everything at once, must still receive every event and the result, not be closed with
   * 4008 as "too slow" before the events could even be written (the burst is also evicted from the resume buffer,
   * so a resume cannot recover it). On the default 64 MiB cap the same job cuts a reading client off in most runs.
   */
  @Test
  void fastReaderIsNotCutOffByABurstLargerThanTheCaps() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setResumeBufferMaxBytes(8L << 20))) {
      TestGateway gw = isolated.gateway();
      WireClient reader = Continuity.session(gw, TestGateway.ALICE, NO_ACK);
      reader.submit("chatty", new JsonObject().put("count", 100).put("size", 1_000_000));
      String jobId = null;
      int events = 0;
      long quietSince = System.nanoTime();
      while (true) {
        JsonObject frame;
        try {
          frame = reader.next(Duration.ofMillis(100));
          quietSince = System.nanoTime();
        } catch (AssertionError none) {
          if (reader.isClosed() || System.nanoTime() - quietSince > WireClient.DEFAULT_WAIT.toNanos()) {
            throw new AssertionError("a client reading at full speed received " + (jobId == null ? "no job.accepted"
                + " and " : "job.accepted and ") + events + " of 100 events, then " + (reader.isClosed()
                ? "was closed with " + reader.awaitClose() + " (" + reader.closeReason() + ")" : "nothing more"), none);
          }
          continue;
        }
        if (jobId == null) {
          assertEquals("job.accepted", frame.getString("type"), frame.encode());
          jobId = frame.getString("job_id");
          continue;
        }
        assertEquals(events + 1, seq(frame), "gap-free");
        if ("job.result".equals(frame.getString("type"))) {
          break;
        }
        assertEquals(jobId, frame.getString("job_id"));
        assertEquals(events++, chattyIndex(frame));
      }
      assertEquals(100, events);
    }
  }

  /**
   * Heap stays bounded by the configured buffer caps (§14; §7.6 bounds history "by the same buffer window that
   * governs resume"). With resume_buffer_max_bytes at 16 MiB, a client reads a whole job of 6,000 × 16 KiB events
   * (about 100 MB), emitted in rounds it keeps up with; once the job ended, the in-process gateway's heap may
   * exceed its level before the job by the 16 MiB the resume buffer may keep plus 32 MiB of slack, not by the
   * job's whole output.
   */
  @Test
  void finishedJobOutputIsNotKeptBeyondTheBufferCaps() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setResumeBufferMaxBytes(16L << 20),
        List.of(GateAgent.registration()))) {
      TestGateway gw = isolated.gateway();
      WireClient client = Continuity.session(gw, TestGateway.ALICE, NO_ACK);
      long heapBefore = usedHeapAfterGc();
      client.submit(GateAgent.NAME, GateAgent.input("big"));
      String jobId = client.expect("job.accepted").getString("job_id");
      int received = 0;
      for (int round = 0; round < 30; round++) {
        GateAgent.emit(gw.vertx(), "big", 200, 16_384);
        for (int i = 0; i < 200; i++) {
          JsonObject frame = client.next();
          assertEquals(received + 1, seq(frame));
          assertEquals(received++, gateIndex(frame));
        }
      }
      GateAgent.finish(gw.vertx(), "big");
      assertEquals("job.result", client.next().getString("type"));
      long heapGrowth = usedHeapAfterGc() - heapBefore;
      long output = 6_000L * 16_384;
      assertTrue(heapGrowth < 48L << 20, "after job " + jobId + " ended and its " + (output >> 20) + " MiB of"
          + " events were read, the heap is still " + (heapGrowth >> 20) + " MiB above its level before the job"
          + " (resume buffer cap 16 MiB)");
    }
  }

  /** Reads a whole chatty job without keeping its frames: events in order, gap-free from {@code firstSeq}. */
  static void assertWholeChattyJob(WireClient client, String jobId, int count, long firstSeq) {
    for (int i = 0; i < count; i++) {
      JsonObject frame = client.next();
      assertEquals(firstSeq + i, seq(frame), "gap-free");
      assertEquals(jobId, frame.getString("job_id"));
      assertEquals(i, chattyIndex(frame), "every event once, in order");
    }
    JsonObject result = client.next();
    assertEquals("job.result", result.getString("type"), result.encode());
    assertEquals(firstSeq + count, seq(result));
  }

  /**
   * Small caps (resume buffer 1,000 events): a subscriber that stops reading cannot throttle someone else's job,
   * so its backlog grows until it passes the cap and the gateway closes its transport with 4008 rather than
   * buffering on. The submitter gets the whole job; the cut-off subscriber saw a gap-free prefix, and a resume
   * that would need evicted frames is refused with RESUME_WINDOW_EXPIRED instead of leaving a gap.
   */
  @Test
  void slowSubscriberPastTheCapsIsClosedWith4008() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setResumeBufferMaxEvents(1_000),
        List.of(GateAgent.registration()))) {
      TestGateway gw = isolated.gateway();
      WireClient submitter = Continuity.session(gw, TestGateway.ALICE, NO_ACK);
      submitter.submit(GateAgent.NAME, GateAgent.input("flood"));
      String jobId = submitter.expect("job.accepted").getString("job_id");

      WireClient subscriber = Continuity.session(gw, TestGateway.ALICE, NO_ACK);
      subscriber.send(Continuity.subscribe(subscriber.sessionId(), jobId, false, null));
      subscriber.expect("job.subscribed");
      subscriber.pauseReading();

      int received = 0;
      for (int round = 0; round < 100; round++) {
        GateAgent.emit(gw.vertx(), "flood", 200, 2_048);
        for (int i = 0; i < 200; i++) { // the submitter keeps up (read before the next round is emitted)
          JsonObject frame = submitter.next();
          assertEquals(received + 1, seq(frame), frame.encode());
          assertEquals(received++, gateIndex(frame), "the submitter gets the whole job");
        }
      }
      GateAgent.finish(gw.vertx(), "flood");
      assertEquals("job.result", submitter.next().getString("type"));

      subscriber.resumeReading();
      List<JsonObject> seen = Continuity.drainUntilClosed(subscriber, Duration.ofSeconds(10));
      assertEquals(4008, subscriber.awaitClose(), "a subscriber past the caps is closed with 4008");
      assertFalse(seen.isEmpty());
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(i + 1, seq(seen.get(i)), "a gap-free prefix: " + seen.get(i).encode());
        assertEquals(i, gateIndex(seen.get(i)));
      }
      assertTrue(seen.size() < 20_000, "cut off before the end, after " + seen.size() + " events");

      WireClient late = gw.connect();
      JsonObject resume = Continuity.sessionResume(subscriber.sessionId(), resumeToken(subscriber), seen.size());
      late.send(resume);
      assertNotNull(assertRefusedBeforeWelcome(late, resume.getString("id"), "RESUME_WINDOW_EXPIRED",
          subscriber.sessionId()));
    }
  }

  static boolean isBackPressure(JsonObject frame) {
    JsonObject payload = frame.getJsonObject("payload");
    return "job.event".equals(frame.getString("type")) && "status".equals(payload.getString("kind"))
        && "back_pressure".equals(payload.getJsonObject("body").getString("phase"));
  }

  static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
