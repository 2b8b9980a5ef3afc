package dev.arcpgateway.cli;

import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.Continuity.ResumeForm;
import dev.arcpgateway.testing.EmbeddedPg;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * §6.3 across a restart (issue 10), as processes: three sessions on {@code serve --store pg} each stream a chatty
 * job; the gateway is killed ({@code kill -9}) or stopped (SIGTERM) mid-stream and started again on the same
 * database; each client resumes with one of the three resume forms and its {@code last_event_seq}, and gets every
 * frame it missed, once each, with consecutive {@code event_seq} numbers right after the one it saw last and the
 * job's events continuing where they stopped, then the outcome the stop gave its job, then live traffic.
 */
class PgRestartResumeTest {

  private static final String TOKEN = "tok-resume";
  private static Vertx vertx;

  /** What one client had seen when the gateway stopped. */
  private record Seen(String sessionId, String resumeToken, String jobId, long lastSeq, long lastEvent) {
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void killedMidStreamEachResumeFormGetsEveryMissedFrameOnceThenTheOutcome() throws Exception {
    stopAndResume(true);
  }

  @Test
  void stoppedGracefullyMidStreamEachResumeFormGetsEveryMissedFrameOnceThenTheOutcome() throws Exception {
    stopAndResume(false);
  }

  private static void stopAndResume(boolean kill) throws Exception {
    String uri = EmbeddedPg.freshDatabase();
    Map<ResumeForm, Seen> seen = new EnumMap<>(ResumeForm.class);
    try (CliProcess first = CliProcess.servePg(uri, "alice", TOKEN, "--drain-timeout-sec", "1")) {
      List<WireClient> clients = new ArrayList<>();
      for (ResumeForm form : ResumeForm.values()) {
        WireClient client = WireClient.connect(vertx, first.listeningPort());
        client.hello(TOKEN);
        clients.add(client);
        seen.put(form, streamAWhile(client));
      }
      if (kill) {
        first.close(); // SIGKILL: nothing of the gateway runs after it
      } else {
        first.terminate(); // a drain: the jobs end retryable ("shut down") and the gateway exits
        assertEquals(0, first.exitCode(), first::describe);
      }
      clients.forEach(WireClient::drop);
    }

    try (CliProcess second = CliProcess.servePg(uri, "alice", TOKEN)) {
      for (ResumeForm form : ResumeForm.values()) {
        Seen before = seen.get(form);
        WireClient client = WireClient.connect(vertx, second.listeningPort());
        client.send(Continuity.resume(form, TOKEN, before.sessionId(), before.resumeToken(), before.lastSeq()));
        JsonObject welcome = client.welcomed(client.expect("session.welcome"));
        assertEquals(before.sessionId(), welcome.getString("session_id"), form + ": the same session");

        long expectedSeq = before.lastSeq() + 1;
        long expectedEvent = before.lastEvent() + 1;
        JsonObject terminal = null;
        while (terminal == null) {
          JsonObject frame = client.next(Duration.ofSeconds(30));
          if (!(frame.getValue("event_seq") instanceof Number seq)) {
            continue; // heartbeats and the like
          }
          assertEquals(expectedSeq, seq.longValue(), form + ": gap-free, once each: " + frame.encode());
          expectedSeq++;
          if (Continuity.chattyIndex(frame) >= 0) {
            assertEquals(before.jobId(), frame.getString("job_id"));
            assertEquals(expectedEvent, Continuity.chattyIndex(frame),
                form + ": the job's events go on where they stopped");
            expectedEvent++;
          } else if ("job.error".equals(type(frame))) {
            terminal = frame;
          }
        }
        JsonObject outcome = payload(terminal);
        assertEquals(before.jobId(), terminal.getString("job_id"));
        assertEquals("INTERNAL_ERROR", outcome.getString("code"), terminal.encode());
        assertEquals(true, outcome.getBoolean("retryable"), terminal.encode());
        assertTrue(outcome.getString("message").contains(kill ? "restarted" : "shut down"), terminal.encode());

        // live from here: a new job on the resumed session, numbered on from the replay
        String id = client.submit("echo", "after the restart");
        String jobId = client.expectAccepted(id).getString("job_id");
        JsonObject result = client.nextOfType("job.result");
        assertEquals(jobId, result.getString("job_id"));
        assertEquals(expectedSeq, result.getLong("event_seq"), form + ": the next seq after the replay");
        client.close();
      }
      WireClient stranger = WireClient.connect(vertx, second.listeningPort());
      Seen any = seen.get(ResumeForm.SESSION_RESUME);
      stranger.send(Continuity.sessionResume(any.sessionId(), "rt_not-the-token", 0));
      JsonObject refused = stranger.next();
      assertEquals("RESUME_WINDOW_EXPIRED", Continuity.code(refused), refused.encode());
      stranger.close();
      assertFalse(second.stderr().contains("Exception"), second::describe);
    }
  }

  /**
   * Submits a long chatty job and reads (acknowledging as it goes, so the job keeps streaming) until it has seen
   * 300 of its events; then stops reading.
   */
  private static Seen streamAWhile(WireClient client) {
    String requestId = client.submit(new JsonObject().put("agent", "chatty")
        .put("input", new JsonObject().put("count", 50_000_000).put("size", 32))).getString("id");
    String jobId = client.expectAccepted(requestId).getString("job_id");
    long lastSeq = 0;
    long lastEvent = -1;
    int events = 0;
    while (events < 300) {
      JsonObject frame = client.next();
      if (frame.getValue("event_seq") instanceof Number seq) {
        lastSeq = seq.longValue();
        if (lastSeq % 100 == 0) {
          client.send(Continuity.ack(client.sessionId(), lastSeq));
        }
      }
      if (Continuity.chattyIndex(frame) >= 0 && jobId.equals(frame.getString("job_id"))) {
        lastEvent = Continuity.chattyIndex(frame);
        events++;
      }
    }
    String token = Continuity.resumeToken(client);
    assertNotNull(token);
    return new Seen(client.sessionId(), token, jobId, lastSeq, lastEvent);
  }




}
