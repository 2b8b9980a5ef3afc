package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.TokenUses;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Used token ids in a concurrent map, with their expiry. */
final class MemoryTokenUses implements TokenUses {

  private final Map<String, Instant> used = new ConcurrentHashMap<>();

  @Override
  public Future<Boolean> use(String tokenId, Instant expiresAt) {
    return Future.succeededFuture(used.putIfAbsent(tokenId, expiresAt) == null);
  }

  @Override
  public Future<Integer> forgetExpired(Instant now) {
    int before = used.size();
    used.values().removeIf(expiry -> expiry.isBefore(now));
    return Future.succeededFuture(before - used.size());
  }
}
