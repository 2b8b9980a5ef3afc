package dev.arcpgateway.store;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Runs once as a gateway starts, before it takes traffic: the jobs a previous run left unfinished died with it
 * (their agents' work is lost), so each is finished ({@link AbandonedJobs}: INTERNAL_ERROR, retryable, "the
 * runtime restarted"). The sessions of the
 * previous run stay resumable for their resume window (counted from now for those that were attached), their cap
 * slots are given back; a resuming session catches up on its jobs' ends itself. (Credentials it left outstanding
 * are revoked by the lease verticle's own sweep of the durable ledger.)
 */
public final class RestartSweep {

  private static final System.Logger LOG = System.getLogger(RestartSweep.class.getName());
  static final String MESSAGE = "the runtime restarted while the job was running; its work was lost";

  private final GatewayStore store;
  private final Clock clock;
  private final Duration resumeWindow;

  public RestartSweep(GatewayStore store, Clock clock, Duration resumeWindow) {
    this.store = store;
    this.clock = clock;
    this.resumeWindow = resumeWindow;
  }

  /** The future is how many jobs it finished. */
  public Future<Integer> run() {
    return store.sessions().afterRestart(clock.instant(), resumeWindow)
        .compose(sessions -> store.jobs().unfinished()).compose(jobs -> {
      if (jobs.isEmpty()) {
        return Future.succeededFuture(0);
      }
      LOG.log(System.Logger.Level.INFO, "finishing {0} job(s) a previous run of the gateway left unfinished",
          jobs.size());
      return finishFrom(jobs, 0, 0);
    });
  }

  /** One job after the other: a restart after a crash is no moment to flood the database. */
  private Future<Integer> finishFrom(List<JobSnapshot> jobs, int i, int finished) {
    if (i == jobs.size()) {
      return Future.succeededFuture(finished);
    }
    return finish(jobs.get(i)).compose(won -> finishFrom(jobs, i + 1, won ? finished + 1 : finished));
  }

  private Future<Boolean> finish(JobSnapshot job) {
    return AbandonedJobs.finish(store, job, clock.instant(), MESSAGE, "runtime restarted").map(frame -> frame != null);
  }
}
