package dev.arcpgateway.store;

import java.util.List;

/**
 * One page of a job listing.
 *
 * @param jobs the jobs, newest first
 * @param next where the next page starts, or null on the last page
 */
public record JobPage(List<JobSnapshot> jobs, JobQuery.Position next) {
}
