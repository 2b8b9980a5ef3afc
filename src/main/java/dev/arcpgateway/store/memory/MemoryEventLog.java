package dev.arcpgateway.store.memory;

import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.store.EventLog;
import io.vertx.core.Future;
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

  /** Heap of a kept event besides its text: the entry, its string, the deque's slot, rounded up. */
  private static final long ENTRY_HEAP = 120;

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
  public Future<Void> append(String jobId, List<JobFrame> frames) {
    JobHistory history = histories.computeIfAbsent(jobId, id -> new JobHistory(id));
    if (!history.follows(frames)) {
      return Future.failedFuture(new IllegalArgumentException("events of job " + jobId
          + " appended out of order: a batch must continue the job's numbering"));
    }
    for (JobFrame frame : frames) {
      Kept kept = Kept.of(frame);
      long dropped = history.append(kept, maxEventsPerJob, maxBytesPerJob);
      if (totalBytes.addAndGet(kept.size() - dropped) > maxTotalBytes) {
        forgetFinished();
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<JobFrame>> read(String jobId, long afterIndex, int limit) {
    JobHistory history = histories.get(jobId);
    return Future.succeededFuture(history == null ? List.of() : history.read(afterIndex, limit));
  }

  @Override
  public Future<JobFrame> last(String jobId) {
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
   * A frame with its payload as text, as the job runner encoded it: text takes a fraction of the heap of a JSON
   * tree, and its size is known without walking it. Its job id is its history's.
   */
  private record Kept(long index, MessageType type, String traceId, String payloadJson, boolean lifecycle) {

    static Kept of(JobFrame frame) {
      return new Kept(frame.index(), frame.type(), frame.traceId(), frame.payloadText(), frame.lifecycle());
    }

    long size() {
      return ENTRY_HEAP + payloadJson.length();
    }

    JobFrame frame(String jobId) {
      return new JobFrame(type, jobId, traceId, index, new JsonObject(payloadJson), payloadJson, lifecycle);
    }
  }

  /** One job's events; written by the job's owner, read by subscribers on other threads. */
  private static final class JobHistory {
    private final String jobId;
    private final ArrayDeque<Kept> events = new ArrayDeque<>();
    private long bytes;

    /** The highest index ever appended: trimming drops old events, never the numbering. */
    private long lastIndex;

    JobHistory(String jobId) {
      this.jobId = jobId;
    }

    /** Whether {@code batch} continues the numbering (each index above the one before), so that all of it may land. */
    synchronized boolean follows(List<JobFrame> batch) {
      long previous = lastIndex;
      for (JobFrame frame : batch) {
        if (frame.index() <= previous) {
          return false;
        }
        previous = frame.index();
      }
      return true;
    }

    /** Appends and trims to the caps; returns the bytes dropped. */
    synchronized long append(Kept kept, int maxEvents, long maxBytes) {
      lastIndex = kept.index();
      events.addLast(kept);
      bytes += kept.size();
      long dropped = 0;
      while (events.size() > maxEvents || (bytes > maxBytes && events.size() > 1)) {
        Kept first = events.removeFirst();
        bytes -= first.size();
        dropped += first.size();
      }
      return dropped;
    }

    synchronized long bytes() {
      return bytes;
    }

    synchronized JobFrame last() {
      Kept last = events.peekLast();
      return last == null ? null : last.frame(jobId);
    }

    synchronized List<JobFrame> read(long afterIndex, int limit) {
      List<JobFrame> out = new ArrayList<>(Math.min(limit, events.size()));
      for (Kept kept : events) {
        if (kept.index() > afterIndex) {
          out.add(kept.frame(jobId));
          if (out.size() == limit) {
            break;
          }
        }
      }
      return out;
    }
  }
}
