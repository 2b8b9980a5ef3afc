package dev.arcpgateway.store;

import dev.arcpgateway.protocol.JobStatus;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** Durable job records. All methods are asynchronous and safe to call from any verticle. */
public interface JobStore {

  /** Stores a new job or replaces the stored snapshot of the same job. */
  Future<Void> put(JobSnapshot job);

  /**
   * Moves the job's status from {@code from} to {@code to} (stamped {@code at}) only if it is still {@code from}:
   * a compare-and-set, so that two writers (a sweeper and the job's runner, two nodes) cannot both finish it.
   * True when this call moved it; false when the job is unknown or in another status. One caller's moves of one
   * job are applied in the order they were made, so a caller need not wait for one move before it asks for the next
   * (running, then its end).
   */
  Future<Boolean> transition(String jobId, JobStatus from, JobStatus to, Instant at);

  /** Every job not yet in a terminal status (what a restart finds unfinished), oldest first. */
  Future<List<JobSnapshot>> unfinished();

  /**
   * Unfinished jobs of another gateway process that has not said it runs them for longer than the store allows
   * (the process died or hangs), oldest first. A store used by one process only has none.
   */
  default Future<List<JobSnapshot>> orphaned() {
    return Future.succeededFuture(List.of());
  }

  /**
   * Unfinished jobs run by the clustered gateway node {@code nodeId} (its Vert.x node id), oldest first: what a
   * node that left the cluster leaves behind. A store used by one process only has none.
   */
  default Future<List<JobSnapshot>> unfinishedOfNode(String nodeId) {
    return Future.succeededFuture(List.of());
  }

  /** The job, or null when unknown. */
  Future<JobSnapshot> get(String jobId);

  /** A page of jobs, newest first. */
  Future<JobPage> list(JobQuery query);
}
