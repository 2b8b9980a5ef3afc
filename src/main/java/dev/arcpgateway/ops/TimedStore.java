package dev.arcpgateway.ops;

import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.store.CredentialLedger;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.IdempotencyStore;
import dev.arcpgateway.store.JobPage;
import dev.arcpgateway.store.JobQuery;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.JobStore;
import dev.arcpgateway.store.SessionJournal;
import dev.arcpgateway.store.SessionSnapshot;
import dev.arcpgateway.store.SessionStore;
import dev.arcpgateway.store.TokenUses;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store whose job, event, session and idempotency operations are timed ({@code arcp_store_latency_seconds} by
 * operation), in front of a durable store when metrics are on (the memory store answers within the call, so it is
 * left untimed). Each timer is looked up once, here, so a call costs two clock reads and one record; the credential
 * ledger, rarely used, is passed through untimed.
 */
public final class TimedStore implements GatewayStore {

  private final GatewayStore store;
  private final JobStore jobs;
  private final EventLog events;
  private final SessionStore sessions;
  private final SessionJournal journal;
  private final IdempotencyStore idempotency;

  public TimedStore(GatewayStore store, GatewayMetrics metrics) {
    this.store = store;
    this.jobs = new TimedJobs(store.jobs(), metrics);
    this.events = new TimedEvents(store.events(), metrics);
    this.sessions = new TimedSessions(store.sessions(), metrics);
    this.journal = new TimedJournal(store.journal(), metrics);
    this.idempotency = new TimedIdempotency(store.idempotency(), metrics);
  }

  private static <T> Future<T> timed(Timer timer, Supplier<Future<T>> call) {
    long start = System.nanoTime();
    return call.get().onComplete(done -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
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
  public boolean survivesRestart() {
    return store.survivesRestart();
  }

  @Override
  public IdempotencyStore idempotency() {
    return idempotency;
  }

  @Override
  public CredentialLedger credentials() {
    return store.credentials();
  }

  @Override
  public TokenUses tokenUses() {
    return store.tokenUses();
  }

  @Override
  public Future<Integer> prune(Instant endedBefore, int batch) {
    return store.prune(endedBefore, batch); // off the hot path, on its own timer
  }

  @Override
  public Future<Void> ping() {
    return store.ping();
  }

  @Override
  public Future<Void> close() {
    return store.close();
  }

  private static final class TimedJobs implements JobStore {
    private final JobStore jobs;
    private final Timer put;
    private final Timer transition;
    private final Timer get;
    private final Timer list;

    TimedJobs(JobStore jobs, GatewayMetrics metrics) {
      this.jobs = jobs;
      this.put = metrics.storeCall("jobs.put");
      this.transition = metrics.storeCall("jobs.transition");
      this.get = metrics.storeCall("jobs.get");
      this.list = metrics.storeCall("jobs.list");
    }

    @Override
    public Future<Void> put(JobSnapshot job) {
      return timed(put, () -> jobs.put(job));
    }

    @Override
    public Future<Boolean> transition(String jobId, JobStatus from, JobStatus to, Instant at) {
      return timed(transition, () -> jobs.transition(jobId, from, to, at));
    }

    @Override
    public Future<List<JobSnapshot>> unfinished() {
      return jobs.unfinished(); // once, at startup
    }

    @Override
    public Future<List<JobSnapshot>> orphaned() {
      return jobs.orphaned(); // off the hot path, on its own timer
    }

    @Override
    public Future<List<JobSnapshot>> unfinishedOfNode(String nodeId) {
      return jobs.unfinishedOfNode(nodeId); // when a node leaves
    }

    @Override
    public Future<JobSnapshot> get(String jobId) {
      return timed(get, () -> jobs.get(jobId));
    }

    @Override
    public Future<JobPage> list(JobQuery query) {
      return timed(list, () -> jobs.list(query));
    }
  }

  private static final class TimedEvents implements EventLog {
    private final EventLog events;
    private final Timer append;
    private final Timer read;
    private final Timer last;

    TimedEvents(EventLog events, GatewayMetrics metrics) {
      this.events = events;
      this.append = metrics.storeCall("events.append");
      this.read = metrics.storeCall("events.read");
      this.last = metrics.storeCall("events.last");
    }

    @Override
    public Future<Void> append(String jobId, List<JobFrame> batch) {
      return timed(append, () -> events.append(jobId, batch));
    }

    @Override
    public Future<Void> append(JobFrame frame) {
      return timed(append, () -> events.append(frame)); // the store may gather these into batches
    }

    @Override
    public Future<List<JobFrame>> read(String jobId, long afterIndex, int limit) {
      return timed(read, () -> events.read(jobId, afterIndex, limit));
    }

    @Override
    public Future<Integer> replay(String jobId, long afterIndex, long upToIndex, Consumer<JobFrame> each) {
      return events.replay(jobId, afterIndex, upToIndex, each); // the store's own, whose reads it may not expose
    }

    @Override
    public Future<JobFrame> last(String jobId) {
      return timed(last, () -> events.last(jobId));
    }
  }

  private static final class TimedSessions implements SessionStore {
    private final SessionStore sessions;
    private final Timer put;
    private final Timer get;
    private final Timer find;
    private final Timer takeSlot;
    private final Timer freeSlot;
    private final Timer remove;

    TimedSessions(SessionStore sessions, GatewayMetrics metrics) {
      this.sessions = sessions;
      this.put = metrics.storeCall("sessions.put");
      this.get = metrics.storeCall("sessions.get");
      this.find = metrics.storeCall("sessions.find_by_resume_token");
      this.takeSlot = metrics.storeCall("sessions.take_slot");
      this.freeSlot = metrics.storeCall("sessions.free_slot");
      this.remove = metrics.storeCall("sessions.remove");
    }

    @Override
    public Future<Void> put(SessionSnapshot session) {
      return timed(put, () -> sessions.put(session));
    }

    @Override
    public Future<SessionSnapshot> get(String sessionId) {
      return timed(get, () -> sessions.get(sessionId));
    }

    @Override
    public Future<SessionSnapshot> findByResumeToken(String tokenHash) {
      return timed(find, () -> sessions.findByResumeToken(tokenHash));
    }

    @Override
    public Future<Boolean> takeSlot(String principal, String sessionId, int max) {
      return timed(takeSlot, () -> sessions.takeSlot(principal, sessionId, max));
    }

    @Override
    public Future<Void> freeSlot(String principal, String sessionId) {
      return timed(freeSlot, () -> sessions.freeSlot(principal, sessionId));
    }

    @Override
    public Future<Void> remove(String sessionId) {
      return timed(remove, () -> sessions.remove(sessionId));
    }

    @Override
    public Future<Integer> afterRestart(Instant now, Duration window) {
      return sessions.afterRestart(now, window); // once, at startup
    }
  }

  /** Times the appends, which are on the path of every frame; a resume's reads are rare. */
  private static final class TimedJournal implements SessionJournal {
    private final SessionJournal journal;
    private final Timer append;

    TimedJournal(SessionJournal journal, GatewayMetrics metrics) {
      this.journal = journal;
      this.append = metrics.storeCall("journal.append");
    }

    @Override
    public Future<Void> append(String sessionId, List<SessionFrame> frames) {
      return timed(append, () -> journal.append(sessionId, frames));
    }

    @Override
    public Future<List<Kept>> read(String sessionId, long afterSeq, int limit) {
      return journal.read(sessionId, afterSeq, limit);
    }

    @Override
    public Future<Long> lastSeq(String sessionId) {
      return journal.lastSeq(sessionId);
    }

    @Override
    public Future<Void> dropRange(String sessionId, long afterSeq, long throughSeq) {
      return journal.dropRange(sessionId, afterSeq, throughSeq);
    }

    @Override
    public Future<Map<String, Long>> openJobs(String sessionId) {
      return journal.openJobs(sessionId);
    }
  }

  private static final class TimedIdempotency implements IdempotencyStore {
    private final IdempotencyStore idempotency;
    private final Timer claim;
    private final Timer release;

    TimedIdempotency(IdempotencyStore idempotency, GatewayMetrics metrics) {
      this.idempotency = idempotency;
      this.claim = metrics.storeCall("idempotency.claim");
      this.release = metrics.storeCall("idempotency.release");
    }

    @Override
    public Future<Claim> claim(Claim claim) {
      return timed(this.claim, () -> idempotency.claim(claim));
    }

    @Override
    public Future<Void> release(Claim claim) {
      return timed(release, () -> idempotency.release(claim));
    }
  }
}
