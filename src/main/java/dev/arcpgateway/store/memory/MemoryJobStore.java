package dev.arcpgateway.store.memory;

import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.store.JobPage;
import dev.arcpgateway.store.JobQuery;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.JobStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Jobs in a concurrent map. A listing scans them: at most {@link MemoryStore#DEFAULT_FINISHED_JOBS} finished
 * jobs and the live ones, a fraction of a millisecond per page, where keeping a sorted index cost every job four
 * skip-list updates (a tenth of an echo job's CPU).
 */
final class MemoryJobStore implements JobStore {

  /** Newest first, ties broken by job id (descending), matching {@link JobQuery.Position}. */
  private static final Comparator<JobQuery.Position> NEWEST_FIRST = (a, b) -> {
    int byTime = b.createdAt().compareTo(a.createdAt());
    return byTime != 0 ? byTime : b.jobId().compareTo(a.jobId());
  };

  private final Map<String, JobSnapshot> byId = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> finished = new ConcurrentLinkedQueue<>();
  private final AtomicInteger finishedCount = new AtomicInteger();
  private final int maxFinished;
  private final Consumer<String> onFinished;
  private final Consumer<String> onForget;

  MemoryJobStore(int maxFinished, Consumer<String> onFinished, Consumer<String> onForget) {
    this.maxFinished = maxFinished;
    this.onFinished = onFinished;
    this.onForget = onForget;
  }

  @Override
  public Future<Void> put(JobSnapshot job) {
    JobSnapshot previous = byId.put(job.jobId(), job);
    if (job.status().terminal() && (previous == null || !previous.status().terminal())) {
      ended(job.jobId());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> transition(String jobId, JobStatus from, JobStatus to, Instant at) {
    boolean[] moved = new boolean[1];
    byId.computeIfPresent(jobId, (id, job) -> {
      moved[0] = job.status() == from;
      return moved[0] ? job.withStatus(to, at) : job;
    });
    if (moved[0] && to.terminal() && !from.terminal()) {
      ended(jobId);
    }
    return Future.succeededFuture(moved[0]);
  }

  @Override
  public Future<List<JobSnapshot>> unfinished() {
    return Future.succeededFuture(byId.values().stream().filter(job -> !job.status().terminal())
        .sorted(Comparator.comparing(JobSnapshot::createdAt)).toList());
  }

  /** The jobs {@code sessionId} submitted; a scan, for the rare resume after a restart. */
  List<String> submittedBy(String sessionId) {
    return byId.values().stream().filter(job -> sessionId.equals(job.sessionId())).map(JobSnapshot::jobId).toList();
  }

  private void ended(String jobId) {
    finished.add(jobId);
    onFinished.accept(jobId);
    if (finishedCount.incrementAndGet() > maxFinished) {
      String oldest = finished.poll();
      if (oldest != null) {
        forget(oldest);
      }
    }
  }

  /**
   * Forgets up to {@code batch} jobs that ended before {@code endedBefore}, in the order they ended, skipping
   * those {@code keep} holds on to; how many were forgotten.
   */
  int prune(Instant endedBefore, int batch, Predicate<JobSnapshot> keep) {
    int pruned = 0;
    Iterator<String> it = finished.iterator();
    while (pruned < batch && it.hasNext()) {
      String jobId = it.next();
      JobSnapshot job = byId.get(jobId);
      if (job != null && !job.updatedAt().isBefore(endedBefore)) {
        break; // in the order they ended: the rest ended later still
      }
      if (job != null && keep.test(job)) {
        continue;
      }
      it.remove();
      forget(jobId);
      pruned++;
    }
    return pruned;
  }

  private void forget(String jobId) {
    finishedCount.decrementAndGet();
    byId.remove(jobId);
    onForget.accept(jobId);
  }

  @Override
  public Future<JobSnapshot> get(String jobId) {
    return Future.succeededFuture(byId.get(jobId));
  }

  @Override
  public Future<JobPage> list(JobQuery query) {
    // the page and one more (is there a next page?), kept in a heap whose head is the oldest of them
    int wanted = query.limit() + 1;
    PriorityQueue<JobSnapshot> newest = new PriorityQueue<>(wanted, (a, b) -> NEWEST_FIRST.compare(position(b),
        position(a)));
    for (JobSnapshot job : byId.values()) {
      if (query.after() != null && NEWEST_FIRST.compare(position(job), query.after()) <= 0
          || query.createdAfter() != null && !job.createdAt().isAfter(query.createdAfter())
          || !matches(job, query)) {
        continue;
      }
      newest.add(job);
      if (newest.size() > wanted) {
        newest.poll();
      }
    }
    boolean more = newest.size() == wanted;
    if (more) {
      newest.poll();
    }
    List<JobSnapshot> page = new ArrayList<>(newest);
    page.sort((a, b) -> NEWEST_FIRST.compare(position(a), position(b)));
    return Future.succeededFuture(new JobPage(page, more ? position(page.get(page.size() - 1)) : null));
  }

  private static boolean matches(JobSnapshot job, JobQuery query) {
    if (query.principals() != null && !query.principals().contains(job.principal())) {
      return false;
    }
    if (!query.statuses().isEmpty() && !query.statuses().contains(job.status())) {
      return false;
    }
    if (query.agentName() != null) {
      String agent = job.agent();
      int at = agent.indexOf('@');
      String name = at < 0 ? agent : agent.substring(0, at);
      return name.equals(query.agentName()) || agent.equals(query.agentName());
    }
    return true;
  }

  private static JobQuery.Position position(JobSnapshot job) {
    Instant created = job.createdAt();
    return new JobQuery.Position(created, job.jobId());
  }
}
