package dev.arcpgateway.store;

import io.vertx.core.Future;

/**
 * Every piece of durable state the gateway keeps, behind one object so that a deployment chooses its storage
 * in one place. The in-memory store is the default.
 */
public interface GatewayStore {

  JobStore jobs();

  EventLog events();

  SessionStore sessions();

  IdempotencyStore idempotency();

  /** Outstanding provisioned credentials. */
  CredentialLedger credentials();

  /**
   * Succeeds when the store answers (its database is reachable); readiness ({@code /ready}) asks it. The
   * in-memory store always answers.
   */
  default Future<Void> ping() {
    return Future.succeededFuture();
  }

  /** Releases connections and timers. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
