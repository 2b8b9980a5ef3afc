package dev.arcpgateway.testing;

import dev.arcpgateway.store.SessionSnapshot;
import dev.arcpgateway.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;

/**
 * The in-memory store, except that every session-store call takes {@code delayMs}, as it does against a remote
 * database: any check-then-act spread over two calls has a wide window.
 */
public final class SlowSessionStore extends ForwardingStore {

  private final SessionStore sessions;

  public SlowSessionStore(Vertx vertx, long delayMs) {
    SessionStore slowed = memory.sessions();
    this.sessions = new SessionStore() {
      @Override
      public Future<Void> put(SessionSnapshot session) {
        return vertx.timer(delayMs).compose(t -> slowed.put(session));
      }

      @Override
      public Future<SessionSnapshot> get(String sessionId) {
        return vertx.timer(delayMs).compose(t -> slowed.get(sessionId));
      }

      @Override
      public Future<SessionSnapshot> findByResumeToken(String tokenHash) {
        return vertx.timer(delayMs).compose(t -> slowed.findByResumeToken(tokenHash));
      }

      @Override
      public Future<Boolean> takeSlot(String principal, String sessionId, int max) {
        return vertx.timer(delayMs).compose(t -> slowed.takeSlot(principal, sessionId, max));
      }

      @Override
      public Future<Void> freeSlot(String principal, String sessionId) {
        return vertx.timer(delayMs).compose(t -> slowed.freeSlot(principal, sessionId));
      }

      @Override
      public Future<Void> remove(String sessionId) {
        return vertx.timer(delayMs).compose(t -> slowed.remove(sessionId));
      }

      @Override
      public Future<Integer> afterRestart(Instant now, Duration window) {
        return vertx.timer(delayMs).compose(t -> slowed.afterRestart(now, window));
      }
    };
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }
}
