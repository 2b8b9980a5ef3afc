package dev.arcpgateway.store;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.List;

/**
 * Finishes the jobs of another gateway process that stopped saying it runs them (it died, or hangs): each ends
 * with INTERNAL_ERROR, retryable, "the gateway process running the job stopped" ({@link AbandonedJobs}), and its
 * submitting session, wherever it lives now, is sent that frame (op {@code orphaned}; a session brought back from
 * the store later finds it in the job's log instead). Looks every {@code everyMs}, from a timer of its own.
 */
public final class OrphanSweepVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(OrphanSweepVerticle.class.getName());
  static final String MESSAGE = "the gateway process running the job stopped; its work was lost";

  private final GatewayStore store;
  private final Clock clock;
  private final long everyMs;
  private boolean sweeping;

  public OrphanSweepVerticle(GatewayStore store, Clock clock, long everyMs) {
    this.store = store;
    this.clock = clock;
    this.everyMs = everyMs;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(everyMs, everyMs, t -> {
      if (!sweeping) {
        sweeping = true;
        store.jobs().orphaned().compose(jobs -> finishFrom(jobs, 0, 0)).onComplete(done -> {
          sweeping = false;
          if (done.succeeded() && done.result() > 0) {
            LOG.log(System.Logger.Level.INFO, "finished {0} job(s) whose gateway process stopped running them",
                done.result());
          } else if (done.failed() && !(done.cause() instanceof ArcpException)) { // outages: the store logs them
            LOG.log(System.Logger.Level.WARNING, "could not finish orphaned jobs: " + done.cause().getMessage());
          }
        });
      }
    });
    return Future.succeededFuture();
  }

  private Future<Integer> finishFrom(List<JobSnapshot> jobs, int i, int finished) {
    if (i == jobs.size()) {
      return Future.succeededFuture(finished);
    }
    JobSnapshot job = jobs.get(i);
    return AbandonedJobs.finish(store, job, clock.instant(), MESSAGE, "gateway process stopped").compose(frame -> {
      if (frame == null) {
        return finishFrom(jobs, i + 1, finished);
      }
      if (job.sessionId() != null) {
        vertx.eventBus().send(Addresses.session(job.sessionId()), frame.copy().put("op", "orphaned"), Bus.OPTIONS);
      }
      return finishFrom(jobs, i + 1, finished + 1);
    });
  }
}
