package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.CredentialLedger;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Outstanding credentials in memory: correct while the process lives, lost with it, so not durable. */
final class MemoryCredentialLedger implements CredentialLedger {

  private final Map<String, Entry> outstanding = new ConcurrentHashMap<>();

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public Future<Void> issued(Entry entry) {
    outstanding.put(entry.credentialId(), entry);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> revoked(String credentialId) {
    outstanding.remove(credentialId);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Entry>> outstanding() {
    return Future.succeededFuture(List.copyOf(outstanding.values()));
  }
}
