package dev.arcpgateway.testing;

import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.store.IdempotencyStore;
import dev.arcpgateway.store.JobPage;
import dev.arcpgateway.store.JobQuery;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.JobStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-memory store with faults a test switches on: idempotency claims, job writes or event-log reads fail
 * (with {@link #FAULT} in the failure's message, which must never reach a client), as a database that went away
 * would. It also records what was asked of it: the limit of every event-log read and every released claim.
 */
public final class FaultyStore extends ForwardingStore {

  /** The text of every injected failure. */
  public static final String FAULT = "injected store fault: connection to db-7.internal:5432 refused";

  public final AtomicBoolean failClaims = new AtomicBoolean();
  public final AtomicBoolean failJobWrites = new AtomicBoolean();
  public final AtomicBoolean failEventReads = new AtomicBoolean();
  public final List<Integer> readLimits = new CopyOnWriteArrayList<>();
  public final List<IdempotencyStore.Claim> released = new CopyOnWriteArrayList<>();

  private final JobStore jobs = new JobStore() {
    @Override
    public Future<Void> put(JobSnapshot job) {
      return failJobWrites.get() ? Future.failedFuture(new IllegalStateException(FAULT)) : memory.jobs().put(job);
    }

    @Override
    public Future<Boolean> transition(String jobId, JobStatus from, JobStatus to, Instant at) {
      return failJobWrites.get() ? Future.failedFuture(new IllegalStateException(FAULT))
          : memory.jobs().transition(jobId, from, to, at);
    }

    @Override
    public Future<List<JobSnapshot>> unfinished() {
      return memory.jobs().unfinished();
    }

    @Override
    public Future<JobSnapshot> get(String jobId) {
      return memory.jobs().get(jobId);
    }

    @Override
    public Future<JobPage> list(JobQuery query) {
      return memory.jobs().list(query);
    }
  };

  private final EventLog events = new EventLog() {
    @Override
    public Future<Void> append(String jobId, List<JobFrame> appended) {
      return memory.events().append(jobId, appended);
    }

    @Override
    public Future<List<JobFrame>> read(String jobId, long afterIndex, int limit) {
      readLimits.add(limit);
      return failEventReads.get() ? Future.failedFuture(new IllegalStateException(FAULT))
          : memory.events().read(jobId, afterIndex, limit);
    }
  };

  private final IdempotencyStore idempotency = new IdempotencyStore() {
    @Override
    public Future<Claim> claim(Claim claim) {
      return failClaims.get() ? Future.failedFuture(new IllegalStateException(FAULT))
          : memory.idempotency().claim(claim);
    }

    @Override
    public Future<Void> release(Claim claim) {
      released.add(claim);
      return memory.idempotency().release(claim);
    }
  };

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public EventLog events() {
    return events;
  }

  @Override
  public IdempotencyStore idempotency() {
    return idempotency;
  }
}
