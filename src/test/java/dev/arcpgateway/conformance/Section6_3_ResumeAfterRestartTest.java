package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.SessionJournal.SessionFrame;
import dev.arcpgateway.store.SessionSnapshot;
import dev.arcpgateway.store.pg.PgStore;
import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.EmbeddedPg;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §6.3 after a restart, precisely: the database holds what a killed gateway left — a session attached at the
 * time, the frames it had journaled (some already dropped after an acknowledgement), and a running job that had
 * logged more events than the session journaled. The restarted gateway finishes the job ("restarted"); a resume
 * then gets the journaled frames after its {@code last_event_seq} under their own numbers, then the logged events
 * the session never journaled and the job's outcome under the next numbers, then live frames. A resume asking for
 * a dropped frame, for a seq never sent, or with a wrong token is refused and leaves the session resumable.
 */
@ExtendWith(VertxExtension.class)
class Section6_3_ResumeAfterRestartTest {

  private static final String SESSION = "sess_before_restart";
  private static final String JOB = "job_before_restart";
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String TOKEN = "rt_issued_before_the_restart";

  @Test
  void aResumeAfterARestartGetsTheJournalThenWhatOnlyTheJobLoggedThenItsOutcomeThenLiveFrames(Vertx vertx)
      throws Exception {
    String uri = EmbeddedPg.freshDatabase();
    leftByAKilledGateway(vertx, uri);
    try (TestGateway gateway = TestGateway.start(vertx, options -> options.setStore(new JsonObject()
        .put("type", "pg").put("uri", uri).put("pool_size", 4)))) {
      assertRefused(gateway, Continuity.sessionResume(SESSION, TOKEN, 0), "frame 1 was dropped after its ack");
      assertRefused(gateway, Continuity.sessionResume(SESSION, TOKEN, 9), "seq 9 was never sent");
      assertRefused(gateway, Continuity.sessionResume(SESSION, "rt_someone_else", 2), "not the token");
      assertRefused(gateway, Continuity.helloResume(TestGateway.BOB, SESSION, TOKEN, 2), "not bob's session");

      WireClient client = Continuity.resumeOn(gateway, Continuity.sessionResume(SESSION, TOKEN, 2));
      assertEquals(SESSION, client.sessionId());
      List<JsonObject> numbered = new ArrayList<>();
      while (numbered.isEmpty() || !"job.error".equals(type(numbered.get(numbered.size() - 1)))) {
        JsonObject frame = client.next();
        if (frame.containsKey("event_seq")) {
          numbered.add(frame);
        }
      }
      List<Long> seqs = numbered.stream().map(frame -> frame.getLong("event_seq")).toList();
      assertEquals(List.of(3L, 4L, 5L, 6L), seqs, "journaled, then logged only, then the outcome: " + numbered);
      for (int i = 0; i < 3; i++) {
        JsonObject event = numbered.get(i);
        assertEquals(JOB, event.getString("job_id"));
        assertEquals("event " + (i + 3), payload(event).getJsonObject("body").getString("message"), event.encode());
      }
      JsonObject outcome = payload(numbered.get(3));
      assertEquals("INTERNAL_ERROR", outcome.getString("code"));
      assertTrue(outcome.getBoolean("retryable"));
      assertTrue(outcome.getString("message").contains("restarted"), outcome.encode());

      String id = client.submit("echo", "live again");
      String jobId = client.expectAccepted(id).getString("job_id");
      JsonObject result = client.nextOfType("job.result");
      assertEquals(jobId, result.getString("job_id"));
      assertEquals(7L, result.getLong("event_seq"));

      // the journal has the caught-up frames now: a second connection resuming from 4 gets 5, 6, 7 again
      WireClient again = Continuity.resumeOn(gateway, Continuity.sessionResume(SESSION,
          Continuity.resumeToken(client), 4));
      List<Long> replayed = new ArrayList<>();
      while (replayed.size() < 3) {
        JsonObject frame = again.next();
        if (frame.containsKey("event_seq")) {
          replayed.add(frame.getLong("event_seq"));
        }
      }
      assertEquals(List.of(5L, 6L, 7L), replayed);
      again.expectSilence(Duration.ofMillis(200));
      again.close();
    }
  }

  private static void assertRefused(TestGateway gateway, JsonObject resume, String why) {
    WireClient client = gateway.connect();
    client.send(resume);
    JsonObject refusal = client.next();
    assertEquals("RESUME_WINDOW_EXPIRED", Continuity.code(refusal), why + ": " + refusal.encode());
    client.close();
  }

  /**
   * The database as a gateway left it when killed: session {@value #SESSION} (attached) had journaled seqs 1-3,
   * frame 1 already dropped; its job had logged events 1-5 and was running.
   */
  private static void leftByAKilledGateway(Vertx vertx, String uri) throws Exception {
    PgStore store = PgStore.open(vertx, uri, 2).await(30, TimeUnit.SECONDS);
    try {
      Instant created = Instant.now().minusSeconds(30);
      store.sessions().put(new SessionSnapshot(SESSION, "alice", Secrets.hash(TOKEN), created, null, Set.of(),
          Feature.ALL, false)).await(10, TimeUnit.SECONDS);
      store.jobs().put(new JobSnapshot(JOB, "alice", SESSION, "chatty@1.0.0", JobStatus.RUNNING,
          new JsonObject().put("tool.call", new JsonArray().add("*")), null, null, null, TRACE, created,
          new JsonObject().put("job_id", JOB), created, null)).await(10, TimeUnit.SECONDS);
      List<JobFrame> logged = new ArrayList<>();
      List<SessionFrame> journaled = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        JsonObject payload = new JsonObject().put("kind", "log").put("ts", created.toString())
            .put("body", new JsonObject().put("level", "info").put("message", "event " + i));
        logged.add(new JobFrame(MessageType.JOB_EVENT, JOB, TRACE, i, payload, null, false));
        if (i <= 3) {
          journaled.add(new SessionFrame(i, JOB, i, false,
              Frames.jobFrame(MessageType.JOB_EVENT, SESSION, JOB, TRACE, i, payload).encode()));
        }
      }
      store.events().append(JOB, logged).await(10, TimeUnit.SECONDS);
      store.journal().append(SESSION, journaled).await(10, TimeUnit.SECONDS);
      store.journal().dropRange(SESSION, 0, 1).await(10, TimeUnit.SECONDS);
    } finally {
      store.close().await(10, TimeUnit.SECONDS);
    }
  }
}
