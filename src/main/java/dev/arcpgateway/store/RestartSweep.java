package dev.arcpgateway.store;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Runs once as a gateway starts, before it takes traffic: the jobs a previous run left unfinished died with it
 * (their agents' work is lost), so each is finished honestly — status {@code error} by compare-and-set, and a
 * {@code job.error} INTERNAL_ERROR, retryable, "the runtime restarted", written into its log — so that a
 * subscriber, {@code session.list_jobs} and an idempotent resubmission all see how it ended. The sessions of the
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
    return store.jobs().transition(job.jobId(), job.status(), JobStatus.ERROR, clock.instant()).compose(won -> {
      if (!won) {
        return Future.succeededFuture(false); // another writer finished it first: its frame is its own
      }
      return store.events().last(job.jobId()).compose(last -> {
        long index = last == null ? 1 : last.index() + 1;
        return store.events().append(job.jobId(), index, frame(job, index)).map(true);
      });
    });
  }

  /** The terminal frame, shaped as the job runner shapes its own. */
  static JsonObject frame(JobSnapshot job, long index) {
    ArcpException error = new ArcpException(ErrorCode.INTERNAL_ERROR, MESSAGE, true,
        new JsonObject().put("reason", "runtime restarted"));
    return new JsonObject()
        .put("op", "job")
        .put("type", MessageType.JOB_ERROR.wire())
        .put("job_id", job.jobId())
        .put("trace_id", job.traceId())
        .put("payload", Frames.errorPayload(JobStatus.ERROR.wire(), error))
        .put("index", index);
  }
}
