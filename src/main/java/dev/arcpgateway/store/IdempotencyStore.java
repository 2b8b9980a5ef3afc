package dev.arcpgateway.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Idempotency keys of §7.2, scoped by principal. */
public interface IdempotencyStore {

  /**
   * Atomically records {@code claim} unless an unexpired entry for the same principal and key exists, and
   * returns the entry that now stands: {@code claim} itself when it won, otherwise the earlier one.
   */
  Future<Claim> claim(Claim claim);

  /** Forgets a claim whose job never came to exist (its submission was refused after claiming). */
  Future<Void> release(Claim claim);

  /**
   * One idempotency key use.
   *
   * @param principal   whose key
   * @param key         the client's idempotency key
   * @param fingerprint digest of the submit parameters that must match on reuse
   * @param jobId       the job the key stands for
   * @param expiresAt   when the key may be reused for something else
   * @param accepted    the {@code job.accepted} payload the key answers with (without credentials)
   */
  record Claim(String principal, String key, String fingerprint, String jobId, Instant expiresAt,
               JsonObject accepted) {
  }
}
