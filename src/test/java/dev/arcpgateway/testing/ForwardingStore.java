package dev.arcpgateway.testing;

import dev.arcpgateway.store.CredentialLedger;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.IdempotencyStore;
import dev.arcpgateway.store.JobStore;
import dev.arcpgateway.store.SessionJournal;
import dev.arcpgateway.store.SessionStore;
import dev.arcpgateway.store.TokenUses;
import dev.arcpgateway.store.memory.MemoryStore;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * A store that hands every part to an in-memory store: test stores that slow down or break one part extend it and
 * override only that part.
 */
public abstract class ForwardingStore implements GatewayStore {

  protected final MemoryStore memory = new MemoryStore();

  @Override
  public JobStore jobs() {
    return memory.jobs();
  }

  @Override
  public EventLog events() {
    return memory.events();
  }

  @Override
  public SessionStore sessions() {
    return memory.sessions();
  }

  @Override
  public SessionJournal journal() {
    return memory.journal();
  }

  @Override
  public IdempotencyStore idempotency() {
    return memory.idempotency();
  }

  @Override
  public CredentialLedger credentials() {
    return memory.credentials();
  }

  @Override
  public TokenUses tokenUses() {
    return memory.tokenUses();
  }

  @Override
  public Future<Integer> prune(Instant endedBefore, int batch) {
    return memory.prune(endedBefore, batch);
  }

  @Override
  public Future<Void> close() {
    return memory.close();
  }
}
