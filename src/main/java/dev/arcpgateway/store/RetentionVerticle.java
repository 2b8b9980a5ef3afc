package dev.arcpgateway.store;

import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;

/**
 * Forgets the uses of expired delegation tokens, and ended jobs and their events once they are older than the
 * retention, in small batches one after the
 * other, from a timer of its own (off the hot path). What a stored session may still need stays: see
 * {@link GatewayStore#prune}.
 */
public final class RetentionVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(RetentionVerticle.class.getName());
  static final int BATCH = 500;

  private final GatewayStore store;
  private final Duration retention;
  private final Clock clock;
  private final long everyMs;
  private boolean pruning;

  /**
   * @param retention how long ended jobs are kept
   * @param everyMs   how often to look for what is due
   */
  public RetentionVerticle(GatewayStore store, Duration retention, Clock clock, long everyMs) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
    this.everyMs = everyMs;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(everyMs, everyMs, t -> {
      if (!pruning) {
        pruning = true;
        store.tokenUses().forgetExpired(clock.instant()).compose(forgotten -> pruneDue(0)).onComplete(done -> {
          pruning = false;
          if (done.succeeded()) {
            if (done.result() > 0) {
              LOG.log(System.Logger.Level.DEBUG, "pruned {0} job(s) ended more than {1} ago", done.result(),
                  retention);
            }
          } else if (!(done.cause() instanceof ArcpException)) { // an outage is logged once by the store itself
            LOG.log(System.Logger.Level.WARNING, "could not prune ended jobs: " + done.cause().getMessage());
          }
        });
      }
    });
    return Future.succeededFuture();
  }

  private Future<Integer> pruneDue(int sofar) {
    return store.prune(clock.instant().minus(retention), BATCH)
        .compose(pruned -> pruned < BATCH ? Future.succeededFuture(sofar + pruned) : pruneDue(sofar + pruned));
  }
}
