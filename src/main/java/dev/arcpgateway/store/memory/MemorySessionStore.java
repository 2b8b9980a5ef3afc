package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.SessionSnapshot;
import dev.arcpgateway.store.SessionStore;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Sessions by id and by the hash of their current resume token. */
final class MemorySessionStore implements SessionStore {

  private final Map<String, SessionSnapshot> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByTokenHash = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> countByPrincipal = new ConcurrentHashMap<>();

  @Override
  public Future<Void> put(SessionSnapshot session) {
    SessionSnapshot previous = byId.put(session.sessionId(), session);
    if (previous == null) {
      countByPrincipal.computeIfAbsent(session.principal(), p -> new AtomicInteger()).incrementAndGet();
    } else if (!previous.resumeTokenHash().equals(session.resumeTokenHash())) {
      idByTokenHash.remove(previous.resumeTokenHash());
    }
    idByTokenHash.put(session.resumeTokenHash(), session.sessionId());
    return Future.succeededFuture();
  }

  @Override
  public Future<SessionSnapshot> get(String sessionId) {
    return Future.succeededFuture(byId.get(sessionId));
  }

  @Override
  public Future<SessionSnapshot> findByResumeToken(String tokenHash) {
    String id = idByTokenHash.get(tokenHash);
    return Future.succeededFuture(id == null ? null : byId.get(id));
  }

  @Override
  public Future<Integer> countByPrincipal(String principal) {
    AtomicInteger count = countByPrincipal.get(principal);
    return Future.succeededFuture(count == null ? 0 : count.get());
  }

  @Override
  public Future<Void> remove(String sessionId) {
    SessionSnapshot removed = byId.remove(sessionId);
    if (removed != null) {
      idByTokenHash.remove(removed.resumeTokenHash());
      countByPrincipal.computeIfPresent(removed.principal(), (p, n) -> n.decrementAndGet() == 0 ? null : n);
    }
    return Future.succeededFuture();
  }
}
