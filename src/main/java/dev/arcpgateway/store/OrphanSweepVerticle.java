package dev.arcpgateway.store;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.LocalSessions;
import dev.arcpgateway.cluster.ClusterMembership;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * Finishes the jobs of another gateway process that stopped running them: each ends with INTERNAL_ERROR,
 * retryable, "the gateway process running the job stopped" ({@link AbandonedJobs}); its submitting session,
 * wherever it lives now, is sent that frame (op {@code orphaned}; a session brought back from the store later finds
 * it in the job's log instead); and its agent, when it runs on a surviving node, is told to stop (a {@code cancel}
 * order), so that it frees its slot instead of waiting for credits from a runner that is gone.
 *
 * <p>Two signals find them: a clustered node that leaves the cluster (its jobs at once), and, every
 * {@code everyMs} from a timer of its own, any process that stopped marking its jobs in the store (it died, or
 * hangs, clustered or not). Sweeps run one after the other; the compare-and-set of each job's status lets only one
 * node finish it.
 */
public final class OrphanSweepVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(OrphanSweepVerticle.class.getName());
  static final String MESSAGE = "the gateway process running the job stopped; its work was lost";
  private static final JsonObject STOP_AGENT = new JsonObject().put("op", "cancel")
      .put("reason", "the gateway process running the job stopped");

  private final GatewayStore store;
  private final Clock clock;
  private final long everyMs;
  /** The sweep running or last run: the next one starts after it. */
  private Future<?> last = Future.succeededFuture();
  private boolean timedSweepWaiting;
  private Runnable stopWatching = () -> { };
  private NodeRoutes routes;

  public OrphanSweepVerticle(GatewayStore store, Clock clock, long everyMs) {
    this.store = store;
    this.clock = clock;
    this.everyMs = everyMs;
  }

  @Override
  public Future<?> start() {
    routes = NodeRoutes.of(vertx);
    vertx.setPeriodic(everyMs, everyMs, t -> {
      if (!timedSweepWaiting) { // a slow store: one timed sweep queued at most
        timedSweepWaiting = true;
        sweep("whose gateway process stopped marking them", () -> {
          timedSweepWaiting = false;
          return store.jobs().orphaned();
        });
      }
    });
    stopWatching = ClusterMembership.of(vertx).onLeft(node -> context.runOnContext(v ->
        sweep("of node " + node + ", which left the cluster", () -> store.jobs().unfinishedOfNode(node))));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopWatching.run();
    return Future.succeededFuture();
  }

  private void sweep(String whose, Supplier<Future<List<JobSnapshot>>> jobs) {
    last = last.eventually(() -> jobs.get().compose(found -> finishFrom(found, 0, 0)).onComplete(done -> {
      if (done.succeeded() && done.result() > 0) {
        LOG.log(System.Logger.Level.INFO, "finished {0} job(s) {1}", done.result(), whose);
      } else if (done.failed() && !(done.cause() instanceof ArcpException)) { // outages: the store logs them
        LOG.log(System.Logger.Level.WARNING, "could not finish the jobs " + whose + ": "
            + done.cause().getMessage());
      }
    }));
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
        vertx.eventBus().send(Addresses.session(job.sessionId()), frame.toJson().put("op", "orphaned"),
            LocalSessions.options(vertx, job.sessionId()));
      }
      routes.sendEverywhere(Addresses.agentJob(job.jobId()), STOP_AGENT); // its agent's node is not stored
      return finishFrom(jobs, i + 1, finished + 1);
    });
  }
}
