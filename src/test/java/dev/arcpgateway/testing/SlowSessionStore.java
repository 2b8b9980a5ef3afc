package dev.arcpgateway.testing;

import dev.arcpgateway.store.CredentialLedger;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.IdempotencyStore;
import dev.arcpgateway.store.JobStore;
import dev.arcpgateway.store.SessionSnapshot;
import dev.arcpgateway.store.SessionStore;
import dev.arcpgateway.store.memory.MemoryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The in-memory store, except that every session-store call takes {@code delayMs}, as it does against a remote
 * database: any check-then-act spread over two calls has a wide window.
 */
public final class SlowSessionStore implements GatewayStore {

  private final MemoryStore delegate = new MemoryStore();
  private final SessionStore sessions;

  public SlowSessionStore(Vertx vertx, long delayMs) {
    SessionStore memory = delegate.sessions();
    this.sessions = new SessionStore() {
      @Override
      public Future<Void> put(SessionSnapshot session) {
        return vertx.timer(delayMs).compose(t -> memory.put(session));
      }

      @Override
      public Future<SessionSnapshot> get(String sessionId) {
        return vertx.timer(delayMs).compose(t -> memory.get(sessionId));
      }

      @Override
      public Future<SessionSnapshot> findByResumeToken(String tokenHash) {
        return vertx.timer(delayMs).compose(t -> memory.findByResumeToken(tokenHash));
      }

      @Override
      public Future<Boolean> takeSlot(String principal, String sessionId, int max) {
        return vertx.timer(delayMs).compose(t -> memory.takeSlot(principal, sessionId, max));
      }

      @Override
      public Future<Void> freeSlot(String principal, String sessionId) {
        return vertx.timer(delayMs).compose(t -> memory.freeSlot(principal, sessionId));
      }

      @Override
      public Future<Void> remove(String sessionId) {
        return vertx.timer(delayMs).compose(t -> memory.remove(sessionId));
      }
    };
  }

  @Override
  public JobStore jobs() {
    return delegate.jobs();
  }

  @Override
  public EventLog events() {
    return delegate.events();
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public IdempotencyStore idempotency() {
    return delegate.idempotency();
  }

  @Override
  public CredentialLedger credentials() {
    return delegate.credentials();
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }
}
