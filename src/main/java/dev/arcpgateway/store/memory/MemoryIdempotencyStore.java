package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.IdempotencyStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Idempotency claims in insertion order, the oldest forgotten beyond a count. */
final class MemoryIdempotencyStore implements IdempotencyStore {

  private final Map<String, Claim> claims;

  MemoryIdempotencyStore(int maxKeys) {
    this.claims = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Claim> eldest) {
        return size() > maxKeys;
      }
    };
  }

  @Override
  public synchronized Future<Claim> claim(Claim claim) {
    String key = key(claim);
    Claim existing = claims.get(key);
    if (existing != null && existing.expiresAt().isAfter(Instant.now())) {
      return Future.succeededFuture(existing);
    }
    claims.remove(key); // re-inserted last, so that expiry order follows insertion order
    claims.put(key, claim);
    return Future.succeededFuture(claim);
  }

  @Override
  public synchronized Future<Void> release(Claim claim) {
    claims.remove(key(claim), claim);
    return Future.succeededFuture();
  }

  private static String key(Claim claim) {
    return claim.principal() + '\u0000' + claim.key();
  }
}
