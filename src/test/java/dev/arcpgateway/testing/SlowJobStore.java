package dev.arcpgateway.testing;

import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.store.JobPage;
import dev.arcpgateway.store.JobQuery;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.JobStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The in-memory store, except that writing a job record takes {@code delayMs}, as it does against a remote
 * database, or waits until a gate opens, so that a test decides when admissions answer. Writes still land in the
 * order they were made.
 */
public final class SlowJobStore extends ForwardingStore {

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
    JobStore slowed = memory.jobs();
    this.jobs = new JobStore() {
      @Override
      public Future<Void> put(JobSnapshot job) {
        return delay.get().compose(t -> slowed.put(job));
      }

      @Override
      public Future<Boolean> transition(String jobId, JobStatus from, JobStatus to, Instant at) {
        return delay.get().compose(t -> slowed.transition(jobId, from, to, at));
      }

      @Override
      public Future<List<JobSnapshot>> unfinished() {
        return slowed.unfinished();
      }

      @Override
      public Future<JobSnapshot> get(String jobId) {
        return slowed.get(jobId);
      }

      @Override
      public Future<JobPage> list(JobQuery query) {
        return slowed.list(query);
      }
    };
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }
}
