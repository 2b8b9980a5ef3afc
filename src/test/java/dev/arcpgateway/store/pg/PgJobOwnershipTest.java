package dev.arcpgateway.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.testing.EmbeddedPg;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each job row names the process that runs it, and that process's heartbeat marks only its unfinished jobs. */
class PgJobOwnershipTest {

  @Test
  void aRunningJobRecordsItsOwnerAndTheOwnersHeartbeat() throws Exception {
    Vertx vertx = Vertx.vertx();
    String uri = EmbeddedPg.freshDatabase();
    PgStore store = PgStore.open(vertx, uri, 2).await(30, TimeUnit.SECONDS);
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(uri)).using(vertx).build();
    try {
      Instant created = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MICROS);
      for (String id : new String[] {"running", "done"}) {
        store.jobs().put(new JobSnapshot(id, "alice", null, "echo@1", JobStatus.RUNNING, new JsonObject(), null,
            null, null, "t", created, new JsonObject(), created, null)).await(10, TimeUnit.SECONDS);
      }
      store.jobs().transition("done", JobStatus.RUNNING, JobStatus.SUCCESS, created).await(10, TimeUnit.SECONDS);
      Instant beat = created.plusSeconds(30);
      ((PgJobStore) store.jobs()).heartbeat(beat).await(10, TimeUnit.SECONDS);

      Row running = row(pool, "running");
      assertEquals(store.owner(), running.getString("owner"));
      assertEquals(beat, running.getOffsetDateTime("heartbeat_at").toInstant(), "the owner's heartbeat");
      Row done = row(pool, "done");
      assertEquals(store.owner(), done.getString("owner"));
      assertEquals(created, done.getOffsetDateTime("heartbeat_at").toInstant(), "an ended job is not marked");
    } finally {
      pool.close();
      store.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static Row row(Pool pool, String jobId) throws Exception {
    return pool.preparedQuery("SELECT owner, heartbeat_at FROM arcp_job WHERE job_id = $1").execute(Tuple.of(jobId))
        .await(10, TimeUnit.SECONDS).iterator().next();
  }
}
