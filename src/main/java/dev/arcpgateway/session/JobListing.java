package dev.arcpgateway.session;

import dev.arcpgateway.auth.ObservePolicy;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.Timestamps;
import dev.arcpgateway.store.JobPage;
import dev.arcpgateway.store.JobQuery;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * {@code session.list_jobs} → {@code session.jobs} (§6.6): the jobs the session's principal may observe, newest
 * first, filtered by status, agent and creation time, in pages joined by an opaque keyset cursor. Entries carry
 * both {@code created_at} (TypeScript, Java) and {@code submitted_at} (Python); {@code next_cursor} is always
 * present (null on the last page), as the TypeScript client requires.
 */
final class JobListing {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private JobListing() {
  }

  /** The {@code session.jobs} payload for a {@code list_jobs} payload. */
  static Future<JsonObject> list(JobStore jobs, ObservePolicy policy, String principal, String requestId,
                                 JsonObject request, ToLongFunction<String> lastSeq) {
    JobQuery query;
    try {
      query = query(policy, principal, request);
    } catch (ArcpException e) {
      return Future.failedFuture(e);
    }
    return jobs.list(query).map(page -> response(page, requestId, lastSeq));
  }

  static JobQuery query(ObservePolicy policy, String principal, JsonObject request) {
    JsonObject filter = Fields.optObject(request, "filter");
    Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    String agent = null;
    Instant createdAfter = null;
    if (filter != null) {
      Fields.stringList(filter, "status").forEach(s -> statuses.add(JobStatus.fromWire(s)));
      agent = Fields.optString(filter, "agent");
      String after = Fields.optString(filter, "created_after");
      if (after != null) {
        createdAfter = Timestamps.parseStrictUtc("filter.created_after", after);
      }
    }
    long limit = Fields.optLong(request, "limit", DEFAULT_LIMIT);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ArcpException.invalid("limit must be between 1 and " + MAX_LIMIT);
    }
    String cursor = Fields.optString(request, "cursor");
    return new JobQuery(policy.observable(principal), statuses, agent, createdAfter, (int) limit,
        cursor == null ? null : decode(cursor));
  }

  private static JsonObject response(JobPage page, String requestId, ToLongFunction<String> lastSeq) {
    JsonArray entries = new JsonArray();
    for (JobSnapshot job : page.jobs()) {
      String created = Timestamps.format(job.createdAt());
      JsonObject entry = new JsonObject()
          .put("job_id", job.jobId())
          .put("agent", job.agent())
          .put("status", job.status().wire())
          .put("lease", job.lease())
          .put("parent_job_id", job.parentJobId())
          .put("created_at", created)
          .put("submitted_at", created)
          .put("trace_id", job.traceId())
          .put("last_event_seq", lastSeq.applyAsLong(job.jobId()))
          // beyond §6.6, for dashboards: who submitted it (an observer sees several principals) and when it last
          // changed (for an ended job, when it ended)
          .put("principal", job.principal())
          .put("updated_at", Timestamps.format(job.updatedAt()));
      if (job.leaseConstraints() != null) {
        entry.put("lease_constraints", job.leaseConstraints());
      }
      entries.add(entry);
    }
    return new JsonObject()
        .put("request_id", requestId)
        .put("jobs", entries)
        .put("next_cursor", page.next() == null ? null : encode(page.next()));
  }

  static String encode(JobQuery.Position position) {
    String raw = position.createdAt().getEpochSecond() + ":" + position.createdAt().getNano() + ":" + position.jobId();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  static JobQuery.Position decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split(":", 3);
      return new JobQuery.Position(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
          parts[2]);
    } catch (RuntimeException e) {
      throw ArcpException.invalid("cursor is not one this runtime issued");
    }
  }
}
