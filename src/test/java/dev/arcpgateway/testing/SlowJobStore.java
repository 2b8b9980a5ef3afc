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
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * The in-memory store, except that writing a job record takes {@code delayMs}, as it does against a remote
 * database, or waits until a gate opens, so that a test decides when admissions answer. Writes still land in the
 * order they were made.
 */
public final class SlowJobStore implements GatewayStore {

  private final MemoryStore delegate = new MemoryStore();
  private final JobStore jobs;

  public SlowJobStore(Vertx vertx, long delayMs) {
    this(() -> vertx.timer(delayMs));
  }

  /** Every job record write waits until {@code gate} completes, then lands on the writer's own context. */
  public SlowJobStore(Vertx vertx, Future<Void> gate) {
    this(() -> {
      Context writer = vertx.getOrCreateContext();
      Promise<Void> opened = Promise.promise();
      gate.onComplete(v -> writer.runOnContext(n -> opened.complete()));
      return opened.future();
    });
  }

  private SlowJobStore(Supplier<Future<?>> delay) {
    JobStore memory = delegate.jobs();
    this.jobs = new JobStore() {
      @Override
      public Future<Void> put(JobSnapshot job) {
        return delay.get().compose(t -> memory.put(job));
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
