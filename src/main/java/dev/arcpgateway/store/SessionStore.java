package dev.arcpgateway.store;

import io.vertx.core.Future;

/** Durable session records, looked up by resume token on reconnect. */
public interface SessionStore {

  /** Stores or replaces a session. */
  Future<Void> put(SessionSnapshot session);

  /** The session, or null. */
  Future<SessionSnapshot> get(String sessionId);

  /** The session whose current resume token hashes to {@code tokenHash}, or null. */
  Future<SessionSnapshot> findByResumeToken(String tokenHash);

  /** How many sessions (attached or parked) {@code principal} has. */
  Future<Integer> countByPrincipal(String principal);

  /** Forgets a session. */
  Future<Void> remove(String sessionId);
}
