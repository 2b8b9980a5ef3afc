package dev.arcpgateway.store;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * The single-use delegation tokens already used (§10: an agent's token starts one child), kept until they expire
 * so that a token cannot start a second job — not after a restart, not on another gateway sharing the store.
 */
public interface TokenUses {

  /**
   * Records the use of token {@code tokenId}, valid until {@code expiresAt}, atomically: true for its first use,
   * false when it was used before.
   */
  Future<Boolean> use(String tokenId, Instant expiresAt);

  /** Forgets the uses of tokens expired before {@code now} (they are refused as expired anyway); how many. */
  Future<Integer> forgetExpired(Instant now);
}
