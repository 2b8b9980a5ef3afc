package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRefusedBeforeWelcome;
import static dev.arcpgateway.testing.Continuity.isType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.IsolatedGateway;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Memory exhaustion through buffered events (§6.5 "unless memory or buffer-count limits force eviction", §14): the
 * sum of all sessions' buffers stays within {@code limits.buffer_budget_bytes}. Parked sessions are forgotten
 * first, the longest parked first; attached ones give up what they already sent; an attached client that does not
 * read is closed with a {@code session.error}.
 */
class Threat_BufferExhaustionTest {

  /** About 1.25 KB per event frame: each chatty job of N events buffers about N × 1.25 KB. */
  private static final int EVENT_BYTES = 1_000;

  /** A finished session: what a resume needs. */
  private record Parked(String sessionId, String resumeToken, long lastSeq) {
  }

  @Test
  void parkedSessionsAreForgottenLongestParkedFirst() {
    parkedSessionsAreForgottenLongestParkedFirst(1);
  }

  /** The same with the sessions spread over two lanes (event loops) sharing one budget. */
  @Test
  void parkedSessionsAreForgottenLongestParkedFirstAcrossLanes() {
    parkedSessionsAreForgottenLongestParkedFirst(2);
  }

  private static void parkedSessionsAreForgottenLongestParkedFirst(int lanes) {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setBufferBudgetBytes(300_000)
        .setLanes(lanes))) {
      TestGateway gw = isolated.gateway();
      Parked first = runAndDrop(gw, 100);  // ~126 KB
      Parked second = runAndDrop(gw, 100); // ~126 KB: both fit
      WireClient third = gw.session(TestGateway.ALICE);
      runChatty(third, 60);                // ~75 KB more passes 300 KB: the first parked goes, and only it

      WireClient refused = gw.connect();
      JsonObject resume = Continuity.helloResume(TestGateway.ALICE, first.sessionId(), first.resumeToken(),
          first.lastSeq());
      refused.send(resume);
      assertRefusedBeforeWelcome(refused, resume.getString("id"), "RESUME_WINDOW_EXPIRED", null);

      WireClient resumed = Continuity.resumeOn(gw, Continuity.helloResume(TestGateway.ALICE, second.sessionId(),
          second.resumeToken(), 0));
      assertEquals(second.sessionId(), resumed.sessionId());
      assertEquals(1, Continuity.seq(resumed.next()), "the second parked session replays from the start");
    }
  }

  /**
   * A client that reads every event as it comes but never acknowledges: what was sent to it is given up once the
   * budget is exhausted, so a resume from the start is refused, while a resume from where it is still works, and
   * it is never closed as too slow.
   */
  @Test
  void attachedSessionsGiveUpWhatTheyAlreadySent() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setBufferBudgetBytes(300_000),
        List.of(GateAgent.registration()))) {
      TestGateway gw = isolated.gateway();
      WireClient reader = gw.session(TestGateway.ALICE);
      String token = Continuity.resumeToken(reader);
      reader.submit(GateAgent.NAME, GateAgent.input("reader"));
      String jobId = reader.expect("job.accepted").getString("job_id");
      long lastSeq = 0;
      for (int step = 0; step < 1_000; step += 100) { // ~1.25 MB in all, never more than ~125 KB unread
        GateAgent.emit(gw.vertx(), "reader", 100, EVENT_BYTES);
        int last = step + 99;
        lastSeq = Continuity.seq(reader.nextMatching(frame -> Continuity.gateIndex(frame) == last, "step " + last));
      }
      GateAgent.finish(gw.vertx(), "reader");
      reader.untilTerminal(jobId);
      reader.drop();

      WireClient tooEarly = gw.connect();
      JsonObject fromStart = Continuity.helloResume(TestGateway.ALICE, reader.sessionId(), token, 0);
      tooEarly.send(fromStart);
      assertRefusedBeforeWelcome(tooEarly, fromStart.getString("id"), "RESUME_WINDOW_EXPIRED", null);

      WireClient resumed = Continuity.resumeOn(gw, Continuity.helloResume(TestGateway.ALICE, reader.sessionId(),
          token, lastSeq));
      assertEquals(reader.sessionId(), resumed.sessionId());
      JsonObject replayed = resumed.next();
      assertEquals("job.result", replayed.getString("type"), "only the result was not seen: " + replayed.encode());
    }
  }

  /**
   * A client that stops reading while a large job streams: once its backlog passes the budget, it is closed with a
   * {@code session.error} (INTERNAL_ERROR, §13.2) after what its socket already holds, and its session is
   * forgotten; everyone else carries on.
   *
   * <p>The budget is below the backlog for which the session keeps its job paused (frames waiting for the socket,
   * down to a quarter of its high-water mark: 512 frames and 512 KiB at the default resume buffer size), so it runs
   * out whether the job's frames come steadily (memory store) or in bursts that pause the job before the socket is
   * full (a durable store delivers each frame once stored, many at a time).
   */
  @Test
  void anAttachedClientThatDoesNotReadIsClosedWithASessionError() throws Exception {
    long budget = 256 * 1024;
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setBufferBudgetBytes(budget))) {
      TestGateway gw = isolated.gateway();
      WireClient stalled = gw.session(TestGateway.ALICE);
      String token = Continuity.resumeToken(stalled);
      CompletableFuture<Void> closeOrdered = new CompletableFuture<>();
      gw.vertx().eventBus().addOutboundInterceptor(delivery -> {
        if (delivery.body() instanceof JsonObject order && "close".equals(order.getString("op"))
            && order.getInteger("code", 0) == 4008) {
          closeOrdered.complete(null);
        }
        delivery.next();
      });
      stalled.submit("chatty", new JsonObject().put("count", 20_000).put("size", EVENT_BYTES)); // ~25 MB
      stalled.expect("job.accepted");
      stalled.pauseReading();
      closeOrdered.get(30, TimeUnit.SECONDS); // the gateway ordered the close while nothing was read

      stalled.resumeReading(); // reads what the socket holds, then the error
      JsonObject error = stalled.nextMatching(frame -> isType(frame, "session.error"), "session.error");
      assertEquals("INTERNAL_ERROR", Continuity.code(error), error.encode());
      assertEquals(budget, error.getJsonObject("payload").getJsonObject("details").getLong("buffer_budget_bytes"));
      assertEquals(4008, stalled.awaitClose());

      WireClient gone = gw.connect();
      JsonObject resume = Continuity.helloResume(TestGateway.ALICE, stalled.sessionId(), token, 0);
      gone.send(resume);
      assertRefusedBeforeWelcome(gone, resume.getString("id"), "RESUME_WINDOW_EXPIRED", null);

      WireClient fresh = gw.session(TestGateway.BOB);
      assertTrue(runChatty(fresh, 10) > 0, "the gateway still serves a new session");
    }
  }

  /** Runs a chatty job of {@code events} events in {@code client}'s session; returns the terminal frame's seq. */
  private static long runChatty(WireClient client, int events) {
    client.submit("chatty", new JsonObject().put("count", events).put("size", EVENT_BYTES));
    String jobId = client.expect("job.accepted").getString("job_id");
    List<JsonObject> frames = client.untilTerminal(jobId);
    JsonObject terminal = frames.get(frames.size() - 1);
    assertEquals("job.result", terminal.getString("type"), terminal.encode());
    return Continuity.seq(terminal);
  }

  private static Parked runAndDrop(TestGateway gw, int events) {
    WireClient client = gw.session(TestGateway.ALICE);
    long lastSeq = runChatty(client, events);
    client.drop();
    return new Parked(client.sessionId(), Continuity.resumeToken(client), lastSeq);
  }
}
