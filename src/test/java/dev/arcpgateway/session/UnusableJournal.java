package dev.arcpgateway.session;

import dev.arcpgateway.store.SessionJournal;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** A journal whose every call fails the test; a unit test overrides the calls it means to see. */
abstract class UnusableJournal implements SessionJournal {

  @Override
  public Future<Void> append(String sessionId, List<SessionFrame> frames) {
    throw new UnsupportedOperationException("append");
  }

  @Override
  public Future<List<Kept>> read(String sessionId, long afterSeq, int limit) {
    throw new UnsupportedOperationException("read");
  }

  @Override
  public Future<Long> lastSeq(String sessionId) {
    throw new UnsupportedOperationException("lastSeq");
  }

  @Override
  public Future<Void> dropRange(String sessionId, long afterSeq, long throughSeq) {
    throw new UnsupportedOperationException("dropRange");
  }

  @Override
  public Future<Map<String, Long>> openJobs(String sessionId) {
    throw new UnsupportedOperationException("openJobs");
  }
}
