package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.SessionJournal;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Session journals in memory. The gateway does not write them with this store (nothing survives a restart
 * anyway); they exist so that the store honours the whole SPI and its contract.
 */
final class MemorySessionJournal implements SessionJournal {

  /** One session's journal; touched only inside its map entry's compute. */
  private static final class Journal {
    final NavigableMap<Long, SessionFrame> frames = new TreeMap<>();
    final Map<String, Long> positions = new HashMap<>();
    final Map<String, Boolean> ended = new HashMap<>();
    long lastSeq;
  }

  private final Map<String, Journal> bySession = new ConcurrentHashMap<>();
  private final Function<String, List<String>> submittedBy;

  /** @param submittedBy the ids of the jobs a session submitted */
  MemorySessionJournal(Function<String, List<String>> submittedBy) {
    this.submittedBy = submittedBy;
  }

  @Override
  public Future<Void> append(String sessionId, List<SessionFrame> frames) {
    bySession.compute(sessionId, (id, held) -> {
      Journal journal = held == null ? new Journal() : held;
      for (SessionFrame frame : frames) {
        journal.frames.put(frame.seq(), frame);
        journal.lastSeq = Math.max(journal.lastSeq, frame.seq());
        journal.positions.merge(frame.jobId(), frame.jobIndex(), Math::max);
        journal.ended.merge(frame.jobId(), frame.terminal(), Boolean::logicalOr);
      }
      return journal;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Kept>> read(String sessionId, long afterSeq, int limit) {
    List<Kept> page = new ArrayList<>();
    bySession.computeIfPresent(sessionId, (id, journal) -> {
      for (SessionFrame frame : journal.frames.tailMap(afterSeq, false).values()) {
        if (page.size() == limit) {
          break;
        }
        page.add(new Kept(frame.seq(), frame.text()));
      }
      return journal;
    });
    return Future.succeededFuture(page);
  }

  @Override
  public Future<Long> lastSeq(String sessionId) {
    long[] last = new long[1];
    bySession.computeIfPresent(sessionId, (id, journal) -> {
      last[0] = journal.lastSeq;
      return journal;
    });
    return Future.succeededFuture(last[0]);
  }

  @Override
  public Future<Void> dropRange(String sessionId, long afterSeq, long throughSeq) {
    bySession.computeIfPresent(sessionId, (id, journal) -> {
      journal.frames.subMap(afterSeq, false, throughSeq, true).clear();
      return journal;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<Map<String, Long>> openJobs(String sessionId) {
    Map<String, Long> open = new LinkedHashMap<>();
    submittedBy.apply(sessionId).forEach(jobId -> open.put(jobId, 0L));
    bySession.computeIfPresent(sessionId, (id, journal) -> {
      open.putAll(journal.positions);
      journal.ended.forEach((jobId, ended) -> {
        if (ended) {
          open.remove(jobId);
        }
      });
      return journal;
    });
    return Future.succeededFuture(open);
  }

  /** Forgets a session's journal. */
  void forget(String sessionId) {
    bySession.remove(sessionId);
  }
}
