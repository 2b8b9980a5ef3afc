package dev.arcpgateway.store;

import io.vertx.core.Future;
import dev.arcpgateway.protocol.JobFrame;
import java.util.List;
import java.util.function.Consumer;

/**
 * Each job's own event history (job-scoped index from 1, {@link JobFrame#index}), from which subscribers get
 * replays. Frames are stored as the job runner emitted them, before any session numbered them.
 */
public interface EventLog {

  /** How many events one read of a replay asks for: replays never hold a whole history at once. */
  int PAGE = 512;

  /**
   * Appends frames of job {@code jobId}, in order, their indexes following the job's last one. The future
   * completes once they are stored (readable by {@link #read}); nothing may be shown to a client as logged before
   * that.
   */
  Future<Void> append(String jobId, List<JobFrame> frames);

  /** Appends one frame of its job; stores may gather concurrent single appends into batches. */
  default Future<Void> append(JobFrame frame) {
    return append(frame.jobId(), List.of(frame));
  }

  /** Up to {@code limit} frames of the job with an index greater than {@code afterIndex}, in order. */
  Future<List<JobFrame>> read(String jobId, long afterIndex, int limit);

  /**
   * Hands the job's events after {@code afterIndex} up to {@code upToIndex} to {@code each}, in order, reading at
   * most {@link #PAGE} at a time. The future is how many were handed over, or the first failed read.
   */
  default Future<Integer> replay(String jobId, long afterIndex, long upToIndex, Consumer<JobFrame> each) {
    return replayFrom(jobId, afterIndex, upToIndex, each, 0);
  }

  private Future<Integer> replayFrom(String jobId, long afterIndex, long upToIndex, Consumer<JobFrame> each,
                                     int handed) {
    if (afterIndex >= upToIndex) {
      return Future.succeededFuture(handed);
    }
    return read(jobId, afterIndex, (int) Math.min(PAGE, upToIndex - afterIndex)).compose(page -> {
      int count = handed;
      for (JobFrame frame : page) {
        if (frame.index() > upToIndex) {
          return Future.succeededFuture(count);
        }
        each.accept(frame);
        count++;
      }
      return page.isEmpty() ? Future.succeededFuture(count)
          : replayFrom(jobId, page.get(page.size() - 1).index(), upToIndex, each, count);
    });
  }

  /**
   * The job's last logged frame (its terminal frame once it ended), or null when none is kept. This default
   * pages forward through {@link #read}; stores that can look it up directly should.
   */
  default Future<JobFrame> last(String jobId) {
    return lastAfter(jobId, 0, null);
  }

  private Future<JobFrame> lastAfter(String jobId, long afterIndex, JobFrame lastSoFar) {
    return read(jobId, afterIndex, PAGE).compose(page -> page.isEmpty() ? Future.succeededFuture(lastSoFar)
        : lastAfter(jobId, page.get(page.size() - 1).index(), page.get(page.size() - 1)));
  }
}
