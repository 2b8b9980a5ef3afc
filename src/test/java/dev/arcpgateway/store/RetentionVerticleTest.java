package dev.arcpgateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.testing.ForwardingStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Retention runs from its own timer, in batches until nothing more is due. */
class RetentionVerticleTest {

  private static final Instant NOW = Instant.parse("2026-12-04T20:00:00Z");

  /** The memory store, telling the test when a prune pass found nothing more to do. */
  static final class WatchedStore extends ForwardingStore {
    /** Completed with how many batches it took, when a batch came back short. */
    final Promise<Integer> drained = Promise.promise();
    private int batches;

    @Override
    public Future<Integer> prune(Instant endedBefore, int batch) {
      return super.prune(endedBefore, batch).onSuccess(pruned -> {
        batches++;
        if (pruned < batch) {
          drained.tryComplete(batches);
        }
      });
    }
  }

  @Test
  void jobsEndedLongerAgoThanTheRetentionAreForgottenInBatches() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WatchedStore store = new WatchedStore();
      Instant old = NOW.minus(Duration.ofDays(8));
      int due = RetentionVerticle.BATCH + 10;
      for (int i = 0; i < due; i++) {
        store.jobs().put(GatewayStoreContract.job("old-" + i, "alice", null, JobStatus.RUNNING, old)).await();
        store.jobs().transition("old-" + i, JobStatus.RUNNING, JobStatus.SUCCESS, old).await();
      }
      store.jobs().put(GatewayStoreContract.job("recent", "alice", null, JobStatus.RUNNING, NOW)).await();
      store.jobs().transition("recent", JobStatus.RUNNING, JobStatus.SUCCESS, NOW.minusSeconds(5)).await();
      vertx.deployVerticle(new RetentionVerticle(store, Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC), 10))
          .await(10, TimeUnit.SECONDS);
      assertEquals(2, store.drained.future().await(10, TimeUnit.SECONDS), "one full batch, then the rest");
      assertNull(store.jobs().get("old-0").await());
      assertNull(store.jobs().get("old-" + (due - 1)).await());
      assertNotNull(store.jobs().get("recent").await());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
