package dev.arcpgateway.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/**
 * Each job's own event history (job-scoped index from 1), from which subscribers get replays. Frames are
 * stored as the job runner emitted them, before any session numbered them.
 */
public interface EventLog {

  /** How many events one read of a replay asks for: replays never hold a whole history at once. */
  int PAGE = 512;

  /**
   * Appends events of one job, in order, their indexes following the job's last one. The future completes once
   * they are stored (readable by {@link #read}); nothing may be shown to a client as logged before that.
   */
  Future<Void> append(String jobId, List<LoggedEvent> events);

  /** Appends the job's event number {@code index}; stores may gather concurrent single appends into batches. */
  default Future<Void> append(String jobId, long index, JsonObject event) {
    return append(jobId, List.of(new LoggedEvent(index, event)));
  }

  /** Up to {@code limit} events of the job with an index greater than {@code afterIndex}, in order. */
  Future<List<LoggedEvent>> read(String jobId, long afterIndex, int limit);

  /**
   * Hands the job's events after {@code afterIndex} up to {@code upToIndex} to {@code each}, in order, reading at
   * most {@link #PAGE} at a time. The future is how many were handed over, or the first failed read.
   */
  default Future<Integer> replay(String jobId, long afterIndex, long upToIndex, Consumer<LoggedEvent> each) {
    return replayFrom(jobId, afterIndex, upToIndex, each, 0);
  }

  private Future<Integer> replayFrom(String jobId, long afterIndex, long upToIndex, Consumer<LoggedEvent> each,
                                     int handed) {
    if (afterIndex >= upToIndex) {
      return Future.succeededFuture(handed);
    }
    return read(jobId, afterIndex, (int) Math.min(PAGE, upToIndex - afterIndex)).compose(page -> {
      int count = handed;
      for (LoggedEvent event : page) {
        if (event.index() > upToIndex) {
          return Future.succeededFuture(count);
        }
        each.accept(event);
        count++;
      }
      return page.isEmpty() ? Future.succeededFuture(count)
          : replayFrom(jobId, page.get(page.size() - 1).index(), upToIndex, each, count);
    });
  }

  /**
   * The job's last logged event (its terminal frame once it ended), or null when none is kept. This default
   * pages forward through {@link #read}; stores that can look it up directly should.
   */
  default Future<LoggedEvent> last(String jobId) {
    return lastAfter(jobId, 0, null);
  }

  private Future<LoggedEvent> lastAfter(String jobId, long afterIndex, LoggedEvent lastSoFar) {
    return read(jobId, afterIndex, PAGE).compose(page -> page.isEmpty() ? Future.succeededFuture(lastSoFar)
        : lastAfter(jobId, page.get(page.size() - 1).index(), page.get(page.size() - 1)));
  }

  /**
   * One logged event.
   *
   * @param index the job-scoped index
   * @param event {@code {"type": "job.event"|"job.result"|"job.error", "payload": {...}}}
   */
  record LoggedEvent(long index, JsonObject event) {
  }
}
