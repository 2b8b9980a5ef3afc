package dev.arcpgateway.store;

import dev.arcpgateway.protocol.JobStatus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the store keeps of a job: the observable, non-secret view that listings, subscriptions and idempotent
 * replays are built from. Immutable; the job runner writes a new snapshot on each state change.
 *
 * @param jobId            the job id
 * @param principal        who submitted it
 * @param sessionId        the submitting session
 * @param agent            resolved {@code name@version}
 * @param status           current status
 * @param lease            effective lease
 * @param leaseConstraints echoed constraints, or null
 * @param budget           initial budget counters as numbers, or null
 * @param parentJobId      the delegating job, or null
 * @param traceId          W3C trace id
 * @param createdAt        acceptance time
 * @param accepted         the {@code job.accepted} payload without credentials, for idempotent replay
 * @param updatedAt        last state change
 * @param resumeTokenHash  SHA-256 of the job's resume token (the seed's §6.3 form); the token is never stored
 */
public record JobSnapshot(String jobId, String principal, String sessionId, String agent, JobStatus status,
                          JsonObject lease, JsonObject leaseConstraints, JsonObject budget, String parentJobId,
                          String traceId, Instant createdAt, JsonObject accepted, Instant updatedAt,
                          String resumeTokenHash) {

  /**
   * The authority descriptor of {@code job.subscribed} (§7.6): the observable, non-secret view of the job, with
   * {@code budget} the current counters when known (else the initial ones).
   */
  public JsonObject descriptor(JsonObject currentBudget) {
    JsonObject descriptor = new JsonObject()
        .put("job_id", jobId)
        .put("current_status", status.wire())
        .put("agent", agent)
        .put("lease", lease);
    if (leaseConstraints != null) {
      descriptor.put("lease_constraints", leaseConstraints);
    }
    JsonObject counters = currentBudget != null ? currentBudget : budget;
    if (counters != null) {
      descriptor.put("budget", counters);
    }
    return descriptor.put("parent_job_id", parentJobId).put("trace_id", traceId);
  }

  public JobSnapshot withStatus(JobStatus newStatus, Instant at) {
    return new JobSnapshot(jobId, principal, sessionId, agent, newStatus, lease, leaseConstraints, budget,
        parentJobId, traceId, createdAt, accepted, at, resumeTokenHash);
  }
}
