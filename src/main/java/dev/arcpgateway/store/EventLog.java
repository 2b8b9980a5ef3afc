package dev.arcpgateway.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Each job's own event history (job-scoped index from 1), from which subscribers get replays. Frames are
 * stored as the job runner emitted them, before any session numbered them.
 */
public interface EventLog {

  /** Appends the job's event number {@code index}. */
  Future<Void> append(String jobId, long index, JsonObject event);

  /** Up to {@code limit} events of the job with an index greater than {@code afterIndex}, in order. */
  Future<List<LoggedEvent>> read(String jobId, long afterIndex, int limit);

  /**
   * One logged event.
   *
   * @param index the job-scoped index
   * @param event {@code {"type": "job.event"|"job.result"|"job.error", "payload": {...}}}
   */
  record LoggedEvent(long index, JsonObject event) {
  }
}
