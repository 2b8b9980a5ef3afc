package dev.arcpgateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.store.memory.MemoryStore;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The restart sweep on a store a previous run left behind (unit: the store's own future-returning calls). */
class RestartSweepTest {

  private static final Instant NOW = Instant.parse("2026-12-04T20:00:00Z");

  @Test
  void unfinishedJobsEndWithARetryableRestartErrorInTheirLogAndFinishedOnesAreLeftAlone() throws Exception {
    MemoryStore store = new MemoryStore();
    Instant created = NOW.minusSeconds(60);
    store.jobs().put(GatewayStoreContract.job("running", "alice", "s1", JobStatus.RUNNING, created)).await();
    store.jobs().put(GatewayStoreContract.job("pending", "alice", "s1", JobStatus.PENDING, created)).await();
    store.jobs().put(GatewayStoreContract.job("done", "alice", "s1", JobStatus.SUCCESS, created)).await();
    store.events().append("running", GatewayStoreContract.events("running", 1, 3)).await();
    store.events().append("done", GatewayStoreContract.events("done", 1, 2)).await();
    store.sessions().put(new SessionSnapshot("s1", "alice", "hash", created, null)).await();
    store.sessions().put(new SessionSnapshot("s0", "alice", "hash0", created, NOW.minusSeconds(1))).await();
    store.sessions().takeSlot("alice", "s1", 1).await();
    RestartSweep sweep = new RestartSweep(store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10));

    int finished = sweep.run().await(10, TimeUnit.SECONDS);

    assertEquals(2, finished);
    for (String jobId : List.of("running", "pending")) {
      JobSnapshot job = store.jobs().get(jobId).await();
      assertEquals(JobStatus.ERROR, job.status(), jobId);
      assertEquals(NOW, job.updatedAt());
      JobFrame last = store.events().last(jobId).await();
      assertEquals(jobId.equals("running") ? 4 : 1, last.index(), "right after the job's last event");
      assertEquals(MessageType.JOB_ERROR, last.type());
      assertEquals(jobId, last.jobId());
      JsonObject payload = last.payload();
      assertEquals("INTERNAL_ERROR", payload.getString("code"));
      assertEquals(true, payload.getBoolean("retryable"));
      assertEquals("error", payload.getString("final_status"));
      assertTrue(payload.getString("message").contains("restarted"), payload.encode());
      assertTrue(payload.containsKey("completed_at"));
    }
    assertEquals(JobStatus.SUCCESS, store.jobs().get("done").await().status());
    assertEquals(2, store.events().last("done").await().index(), "a finished job's log is untouched");
    assertEquals(NOW.plus(Duration.ofMinutes(10)), store.sessions().get("s1").await().expiresAt(),
        "an attached session of the previous run is resumable for a resume window from now");
    assertNull(store.sessions().get("s0").await(), "one whose window had passed is forgotten");
    assertTrue(store.sessions().takeSlot("alice", "s2", 1).await(), "no session holds a slot any more");
    assertEquals(0, sweep.run().await(), "nothing twice");
  }
}
