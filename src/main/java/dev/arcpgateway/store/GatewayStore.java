package dev.arcpgateway.store;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * Every piece of durable state the gateway keeps, behind one object so that a deployment chooses its storage
 * in one place. The in-memory store is the default.
 */
public interface GatewayStore {

  JobStore jobs();

  EventLog events();

  SessionStore sessions();

  /** Each session's numbered frames, for a resume after a restart. */
  SessionJournal journal();

  IdempotencyStore idempotency();

  /** Outstanding provisioned credentials. */
  CredentialLedger credentials();

  /** Single-use delegation tokens already used. */
  TokenUses tokenUses();

  /**
   * Forgets up to {@code batch} jobs that ended before {@code endedBefore}, oldest first, with their events,
   * except those whose submitting session is still stored (its resume window may still need them). The future is
   * how many were forgotten: fewer than {@code batch} means nothing more is due.
   */
  Future<Integer> prune(Instant endedBefore, int batch);

  /**
   * Whether what it keeps outlives the gateway process: then sessions journal their frames, and a client can
   * resume after a restart. False for the in-memory store.
   */
  default boolean survivesRestart() {
    return false;
  }

  /** Succeeds when the store can serve now (a database answers); fails with the reason otherwise. */
  default Future<Void> ping() {
    return Future.succeededFuture();
  }

  /** Releases connections and timers. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
