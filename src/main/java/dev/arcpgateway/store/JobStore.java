package dev.arcpgateway.store;

import io.vertx.core.Future;

/** Durable job records. All methods are asynchronous and safe to call from any verticle. */
public interface JobStore {

  /** Stores a new job or replaces the stored snapshot of the same job. */
  Future<Void> put(JobSnapshot job);

  /** The job, or null when unknown. */
  Future<JobSnapshot> get(String jobId);

  /** A page of jobs, newest first. */
  Future<JobPage> list(JobQuery query);
}
