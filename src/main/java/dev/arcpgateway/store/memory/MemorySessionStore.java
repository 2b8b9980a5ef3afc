package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.SessionSnapshot;
import dev.arcpgateway.store.SessionStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Sessions by id and by the hash of their current resume token, and the slots each principal's sessions hold. */
final class MemorySessionStore implements SessionStore {

  private final Map<String, SessionSnapshot> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByTokenHash = new ConcurrentHashMap<>();
  /** Session ids holding a slot, by principal; each set is only touched inside its map entry's compute. */
  private final Map<String, Set<String>> slotsByPrincipal = new ConcurrentHashMap<>();
  private final Consumer<String> forgetJournal;

  MemorySessionStore(Consumer<String> forgetJournal) {
    this.forgetJournal = forgetJournal;
  }

  @Override
  public Future<Void> put(SessionSnapshot session) {
    SessionSnapshot previous = byId.put(session.sessionId(), session);
    if (previous != null && !previous.resumeTokenHash().equals(session.resumeTokenHash())) {
      idByTokenHash.remove(previous.resumeTokenHash());
    }
    idByTokenHash.put(session.resumeTokenHash(), session.sessionId());
    return Future.succeededFuture();
  }

  @Override
  public Future<SessionSnapshot> get(String sessionId) {
    return Future.succeededFuture(byId.get(sessionId));
  }

  /** Whether {@code sessionId} is stored (null: no session). */
  boolean holds(String sessionId) {
    return sessionId != null && byId.containsKey(sessionId);
  }

  @Override
  public Future<SessionSnapshot> findByResumeToken(String tokenHash) {
    String id = idByTokenHash.get(tokenHash);
    return Future.succeededFuture(id == null ? null : byId.get(id));
  }

  @Override
  public Future<Boolean> takeSlot(String principal, String sessionId, int max) {
    boolean[] taken = new boolean[1];
    slotsByPrincipal.compute(principal, (p, held) -> {
      Set<String> slots = held == null ? new HashSet<>() : held;
      taken[0] = slots.contains(sessionId) || slots.size() < max && slots.add(sessionId);
      return slots.isEmpty() ? null : slots;
    });
    return Future.succeededFuture(taken[0]);
  }

  @Override
  public Future<Void> freeSlot(String principal, String sessionId) {
    slotsByPrincipal.computeIfPresent(principal, (p, slots) -> {
      slots.remove(sessionId);
      return slots.isEmpty() ? null : slots;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<Integer> afterRestart(Instant now, Duration window) {
    slotsByPrincipal.clear();
    for (SessionSnapshot session : List.copyOf(byId.values())) {
      if (session.expiresAt() == null) {
        put(session.expiringAt(now.plus(window)));
      } else if (!session.expiresAt().isAfter(now)) {
        remove(session.sessionId());
      }
    }
    return Future.succeededFuture(byId.size());
  }

  @Override
  public Future<Void> remove(String sessionId) {
    SessionSnapshot removed = byId.remove(sessionId);
    if (removed != null) {
      idByTokenHash.remove(removed.resumeTokenHash());
    }
    forgetJournal.accept(sessionId);
    return Future.succeededFuture();
  }
}
