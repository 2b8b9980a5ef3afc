package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.EventLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-job event histories, bounded three ways: events per job, (approximate) bytes per job — the oldest events
 * go first — and bytes in all, past which the histories of the longest-finished jobs are forgotten.
 */
final class MemoryEventLog implements EventLog {

  /** What a stored frame holds besides its payload: the frame object, its type, the entry records. */
  private static final long FRAME_OVERHEAD = 256;
  /** Heap of a JSON object (wrapper, map, table) besides its fields, of each field, of a string besides its text. */
  private static final long OBJECT_HEAP = 96;
  private static final long FIELD_HEAP = 48;
  private static final long STRING_HEAP = 40;

  private final Map<String, JobHistory> histories = new ConcurrentHashMap<>();
  /** Finished jobs in the order they finished: the first to forget when memory is short. */
  private final LinkedHashSet<String> finished = new LinkedHashSet<>();
  private final AtomicLong totalBytes = new AtomicLong();
  private final int maxEventsPerJob;
  private final long maxBytesPerJob;
  private final long maxTotalBytes;

  MemoryEventLog(int maxEventsPerJob, long maxBytesPerJob, long maxTotalBytes) {
    this.maxEventsPerJob = maxEventsPerJob;
    this.maxBytesPerJob = maxBytesPerJob;
    this.maxTotalBytes = maxTotalBytes;
  }

  @Override
  public Future<Void> append(String jobId, List<LoggedEvent> events) {
    JobHistory history = histories.computeIfAbsent(jobId, id -> new JobHistory());
    if (!history.follows(events)) {
      return Future.failedFuture(new IllegalArgumentException("events of job " + jobId
          + " appended out of order: a batch must continue the job's numbering"));
    }
    for (LoggedEvent logged : events) {
      long size = FRAME_OVERHEAD + approximateSize(logged.event().getValue("payload"));
      long dropped = history.append(logged.index(), logged.event(), size, maxEventsPerJob, maxBytesPerJob);
      if (totalBytes.addAndGet(size - dropped) > maxTotalBytes) {
        forgetFinished();
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<LoggedEvent>> read(String jobId, long afterIndex, int limit) {
    JobHistory history = histories.get(jobId);
    return Future.succeededFuture(history == null ? List.of() : history.read(afterIndex, limit));
  }

  @Override
  public Future<LoggedEvent> last(String jobId) {
    JobHistory history = histories.get(jobId);
    return Future.succeededFuture(history == null ? null : history.last());
  }

  /** The job ended: its history may now be forgotten first when memory runs short. */
  void finished(String jobId) {
    synchronized (finished) {
      finished.add(jobId);
    }
  }

  void forget(String jobId) {
    synchronized (finished) {
      finished.remove(jobId);
    }
    JobHistory history = histories.remove(jobId);
    if (history != null) {
      totalBytes.addAndGet(-history.bytes());
    }
  }

  private void forgetFinished() {
    while (totalBytes.get() > maxTotalBytes) {
      String oldest;
      synchronized (finished) {
        Iterator<String> it = finished.iterator();
        if (!it.hasNext()) {
          return; // only live jobs left: each is bounded by the per-job caps
        }
        oldest = it.next();
      }
      forget(oldest);
    }
  }

  /**
   * A cheap estimate of the heap an event takes: text lengths plus the objects around them, which for small
   * events outweigh the text (counting only the text let the logs take several times their cap).
   */
  static long approximateSize(Object value) {
    if (value instanceof String s) {
      return STRING_HEAP + s.length();
    }
    if (value instanceof JsonObject object) {
      long size = OBJECT_HEAP;
      for (Map.Entry<String, Object> entry : object) {
        size += FIELD_HEAP + entry.getKey().length() + approximateSize(entry.getValue());
      }
      return size;
    }
    if (value instanceof JsonArray array) {
      long size = OBJECT_HEAP;
      for (Object item : array) {
        size += 8 + approximateSize(item);
      }
      return size;
    }
    return 16;
  }

  /** One job's events; written by the job's owner, read by subscribers on other threads. */
  private static final class JobHistory {
    private record Entry(LoggedEvent event, long size) {
    }

    private final ArrayDeque<Entry> events = new ArrayDeque<>();
    private long bytes;

    /** The highest index ever appended: trimming drops old events, never the numbering. */
    private long lastIndex;

    /** Whether {@code batch} continues the numbering (each index above the one before), so that all of it may land. */
    synchronized boolean follows(List<LoggedEvent> batch) {
      long previous = lastIndex;
      for (LoggedEvent event : batch) {
        if (event.index() <= previous) {
          return false;
        }
        previous = event.index();
      }
      return true;
    }

    /** Appends and trims to the caps; returns the bytes dropped. */
    synchronized long append(long index, JsonObject event, long size, int maxEvents, long maxBytes) {
      lastIndex = index;
      events.addLast(new Entry(new LoggedEvent(index, event), size));
      bytes += size;
      long dropped = 0;
      while (events.size() > maxEvents || (bytes > maxBytes && events.size() > 1)) {
        Entry first = events.removeFirst();
        bytes -= first.size();
        dropped += first.size();
      }
      return dropped;
    }

    synchronized long bytes() {
      return bytes;
    }

    synchronized LoggedEvent last() {
      Entry last = events.peekLast();
      return last == null ? null : last.event();
    }

    synchronized List<LoggedEvent> read(long afterIndex, int limit) {
      List<LoggedEvent> out = new ArrayList<>(Math.min(limit, events.size()));
      for (Entry entry : events) {
        if (entry.event().index() > afterIndex) {
          out.add(entry.event());
          if (out.size() == limit) {
            break;
          }
        }
      }
      return out;
    }
  }
}
