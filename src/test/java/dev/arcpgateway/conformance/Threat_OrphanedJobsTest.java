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
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Another gateway process on the same database dies with a job running (the start of node loss, issue 11): once
 * it has stopped marking the job as its own for three heartbeats, a surviving gateway finishes it — INTERNAL_ERROR,
 * retryable, saying the process stopped — in the job's log, and the job's session, resumed on the survivor, gets
 * that end once under its next {@code event_seq}; {@code session.list_jobs} shows the job ended.
 */
@ExtendWith(VertxExtension.class)
class Threat_OrphanedJobsTest {

  private static final String SESSION = "sess_of_a_dead_process";
  private static final String JOB = "job_of_a_dead_process";
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String TOKEN = "rt_of_a_dead_process";

  @Test
  void aJobWhoseProcessStoppedIsFinishedBySurvivorAndItsResumedSessionIsTold(Vertx vertx) throws Exception {
    String uri = EmbeddedPg.freshDatabase();
    try (TestGateway survivor = TestGateway.start(vertx, options -> options.setStore(new JsonObject()
        .put("type", "pg").put("uri", uri).put("pool_size", 4)))) {
      runAndDie(vertx, uri);
      WireClient client = Continuity.resumeOn(survivor, Continuity.sessionResume(SESSION, TOKEN, 2));
      JsonObject end = client.nextMatching(frame -> frame.containsKey("event_seq"), "the job's end",
          Duration.ofSeconds(30));
      assertEquals("job.error", type(end), end.encode());
      assertEquals(JOB, end.getString("job_id"));
      assertEquals(3L, end.getLong("event_seq"), "right after what the client saw");
      JsonObject outcome = payload(end);
      assertEquals("INTERNAL_ERROR", outcome.getString("code"));
      assertTrue(outcome.getBoolean("retryable"));
      assertTrue(outcome.getString("message").contains("process running the job stopped"), outcome.encode());
      client.expectSilence(Duration.ofMillis(300));

      client.send(Continuity.listJobs(client.sessionId(), new JsonObject()));
      JsonObject listing = client.expect("session.jobs");
      JsonArray jobs = listing.getJsonObject("payload").getJsonArray("jobs");
      assertEquals(1, jobs.size(), listing.encode());
      assertEquals("error", jobs.getJsonObject(0).getString("status"), listing.encode());
    }
  }

  /**
   * Another process's store: it opens session {@value #SESSION}, whose job logs and journals events 1 and 2, and
   * then stops (its store closes: no more heartbeats).
   */
  private static void runAndDie(Vertx vertx, String uri) throws Exception {
    PgStore other = PgStore.open(vertx, uri, 2).await(30, TimeUnit.SECONDS);
    try {
      Instant created = Instant.now().minusSeconds(30);
      other.sessions().put(new SessionSnapshot(SESSION, "alice", Secrets.hash(TOKEN), created, null, Set.of(),
          Feature.ALL, false)).await(10, TimeUnit.SECONDS);
      other.jobs().put(new JobSnapshot(JOB, "alice", SESSION, "chatty@1.0.0", JobStatus.RUNNING,
          new JsonObject().put("tool.call", new JsonArray().add("*")), null, null, null, TRACE, created,
          new JsonObject().put("job_id", JOB), created, null)).await(10, TimeUnit.SECONDS);
      for (int i = 1; i <= 2; i++) {
        JsonObject payload = new JsonObject().put("kind", "log").put("ts", created.toString())
            .put("body", new JsonObject().put("level", "info").put("message", "event " + i));
        other.events().append(new JobFrame(MessageType.JOB_EVENT, JOB, TRACE, i, payload, null, false))
            .await(10, TimeUnit.SECONDS);
        other.journal().append(SESSION, List.of(new SessionFrame(i, JOB, i, false,
            Frames.jobFrame(MessageType.JOB_EVENT, SESSION, JOB, TRACE, i, payload).encode())))
            .await(10, TimeUnit.SECONDS);
      }
    } finally {
      other.close().await(10, TimeUnit.SECONDS);
    }
  }
}
