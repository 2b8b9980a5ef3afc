package dev.arcpgateway.store;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Ends a job whose runner is gone (the process restarted, or another node died) honestly: status {@code error} by
 * compare-and-set, then a {@code job.error} INTERNAL_ERROR, retryable, saying why, written into its log after its
 * last event, so that a subscriber, {@code session.list_jobs}, a resuming session and an idempotent resubmission
 * all see how it ended.
 */
final class AbandonedJobs {

  private AbandonedJobs() {
  }

  /** The terminal frame written, or null when another writer finished the job first (its frame is its own). */
  static Future<JobFrame> finish(GatewayStore store, JobSnapshot job, Instant at, String message, String reason) {
    return store.jobs().transition(job.jobId(), job.status(), JobStatus.ERROR, at).compose(won -> {
      if (!won) {
        return Future.succeededFuture(null);
      }
      return store.events().last(job.jobId()).compose(last -> {
        long index = last == null ? 1 : last.index() + 1;
        JobFrame frame = frame(job, index, message, reason);
        return store.events().append(frame).map(frame);
      });
    });
  }

  /** The terminal frame, shaped as the job runner shapes its own. */
  static JobFrame frame(JobSnapshot job, long index, String message, String reason) {
    ArcpException error = new ArcpException(ErrorCode.INTERNAL_ERROR, message, true,
        new JsonObject().put("reason", reason));
    return new JobFrame(MessageType.JOB_ERROR, job.jobId(), job.traceId(), index,
        Frames.errorPayload(JobStatus.ERROR.wire(), error), null, false);
  }
}
