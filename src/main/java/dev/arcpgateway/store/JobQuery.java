package dev.arcpgateway.store;

import dev.arcpgateway.protocol.JobStatus;
import java.time.Instant;
import java.util.Set;

/**
 * A page request over jobs, newest first.
 *
 * @param principals   only jobs of these principals, or null for every principal
 * @param statuses     only these statuses (empty: all)
 * @param agentName    only this agent name, or null
 * @param createdAfter only jobs created strictly after this instant, or null
 * @param limit        page size
 * @param after        keyset position: only jobs after this one in the order, or null for the first page
 */
public record JobQuery(Set<String> principals, Set<JobStatus> statuses, String agentName, Instant createdAfter,
                       int limit, Position after) {

  /** A place in the newest-first order: the last job of the previous page. */
  public record Position(Instant createdAt, String jobId) {
  }
}
