package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.EventLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Per-job event histories, each capped at a number of events (the oldest are dropped first). */
final class MemoryEventLog implements EventLog {

  private final Map<String, JobHistory> histories = new ConcurrentHashMap<>();
  private final int maxEventsPerJob;

  MemoryEventLog(int maxEventsPerJob) {
    this.maxEventsPerJob = maxEventsPerJob;
  }

  @Override
  public Future<Void> append(String jobId, long index, JsonObject event) {
    histories.computeIfAbsent(jobId, id -> new JobHistory()).append(index, event, maxEventsPerJob);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<LoggedEvent>> read(String jobId, long afterIndex, int limit) {
    JobHistory history = histories.get(jobId);
    return Future.succeededFuture(history == null ? List.of() : history.read(afterIndex, limit));
  }

  void forget(String jobId) {
    histories.remove(jobId);
  }

  /** One job's events; written by the job's owner, read by subscribers on other threads. */
  private static final class JobHistory {
    private final ArrayDeque<LoggedEvent> events = new ArrayDeque<>();

    synchronized void append(long index, JsonObject event, int cap) {
      events.addLast(new LoggedEvent(index, event));
      if (events.size() > cap) {
        events.removeFirst();
      }
    }

    synchronized List<LoggedEvent> read(long afterIndex, int limit) {
      List<LoggedEvent> out = new ArrayList<>(Math.min(limit, events.size()));
      for (LoggedEvent event : events) {
        if (event.index() > afterIndex) {
          out.add(event);
          if (out.size() == limit) {
            break;
          }
        }
      }
      return out;
    }
  }
}
