package dev.arcpgateway.testing;

import dev.arcpgateway.store.CredentialLedger;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.IdempotencyStore;
import dev.arcpgateway.store.JobPage;
import dev.arcpgateway.store.JobQuery;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.JobStore;
import dev.arcpgateway.store.SessionStore;
import dev.arcpgateway.store.memory.MemoryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The in-memory store, except that writing a job record takes {@code delayMs}, as it does against a remote
 * database. Writes still land in the order they were made.
 */
public final class SlowJobStore implements GatewayStore {

  private final MemoryStore delegate = new MemoryStore();
  private final JobStore jobs;

  public SlowJobStore(Vertx vertx, long delayMs) {
    JobStore memory = delegate.jobs();
    this.jobs = new JobStore() {
      @Override
      public Future<Void> put(JobSnapshot job) {
        return vertx.timer(delayMs).compose(t -> memory.put(job));
      }

      @Override
      public Future<JobSnapshot> get(String jobId) {
        return memory.get(jobId);
      }

      @Override
      public Future<JobPage> list(JobQuery query) {
        return memory.list(query);
      }
    };
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public EventLog events() {
    return delegate.events();
  }

  @Override
  public SessionStore sessions() {
    return delegate.sessions();
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
