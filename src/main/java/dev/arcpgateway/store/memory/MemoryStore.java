package dev.arcpgateway.store.memory;

import dev.arcpgateway.store.CredentialLedger;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.IdempotencyStore;
import dev.arcpgateway.store.JobStore;
import dev.arcpgateway.store.SessionJournal;
import dev.arcpgateway.store.SessionStore;
import dev.arcpgateway.store.TokenUses;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * The default store: everything in this JVM's memory, nothing to install, nothing survives a restart.
 * Finished jobs (and their event logs) are kept up to a count, so that a long-running gateway does not grow
 * without bound.
 */
public final class MemoryStore implements GatewayStore {

  public static final int DEFAULT_FINISHED_JOBS = 10_000;
  public static final int DEFAULT_EVENTS_PER_JOB = 65_536;
  public static final int DEFAULT_IDEMPOTENCY_KEYS = 1_000_000;
  public static final long DEFAULT_BYTES_PER_JOB = 64L << 20;
  public static final long DEFAULT_TOTAL_EVENT_BYTES = 256L << 20;

  private final MemoryEventLog events;
  private final MemoryJobStore jobs;
  private final MemorySessionJournal journal;
  private final MemorySessionStore sessions;
  private final MemoryIdempotencyStore idempotency;
  private CredentialLedger credentials = new MemoryCredentialLedger();
  private final MemoryTokenUses tokenUses = new MemoryTokenUses();

  public MemoryStore() {
    this(DEFAULT_FINISHED_JOBS, DEFAULT_EVENTS_PER_JOB, DEFAULT_BYTES_PER_JOB, DEFAULT_TOTAL_EVENT_BYTES,
        DEFAULT_IDEMPOTENCY_KEYS);
  }

  /**
   * @param finishedJobs     finished jobs kept for listing and replay before the oldest are forgotten
   * @param eventsPerJob     events kept per job's log; older ones are dropped
   * @param bytesPerJob      approximate bytes kept per job's log; older events are dropped
   * @param totalEventBytes  approximate bytes of all logs, past which finished jobs' logs are forgotten
   * @param idempotencyKeys  idempotency keys kept before the oldest are forgotten
   */
  public MemoryStore(int finishedJobs, int eventsPerJob, long bytesPerJob, long totalEventBytes,
                     int idempotencyKeys) {
    this.events = new MemoryEventLog(eventsPerJob, bytesPerJob, totalEventBytes);
    this.jobs = new MemoryJobStore(finishedJobs, events::finished, events::forget);
    this.journal = new MemorySessionJournal(jobs::submittedBy);
    this.sessions = new MemorySessionStore(journal::forget);
    this.idempotency = new MemoryIdempotencyStore(idempotencyKeys);
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public EventLog events() {
    return events;
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public SessionJournal journal() {
    return journal;
  }

  @Override
  public IdempotencyStore idempotency() {
    return idempotency;
  }

  @Override
  public CredentialLedger credentials() {
    return credentials;
  }

  @Override
  public TokenUses tokenUses() {
    return tokenUses;
  }

  @Override
  public Future<Integer> prune(Instant endedBefore, int batch) {
    return Future.succeededFuture(jobs.prune(endedBefore, batch, job -> sessions.holds(job.sessionId())));
  }

  /**
   * Keeps the credential ledger in {@code ledger} (e.g. a {@link dev.arcpgateway.store.FileCredentialLedger})
   * instead of memory, so that credentials can be provisioned and revoked across restarts.
   */
  public MemoryStore withCredentialLedger(CredentialLedger ledger) {
    this.credentials = ledger;
    return this;
  }
}
