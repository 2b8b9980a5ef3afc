package dev.arcpgateway.job;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.JobResumeToken;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.store.JobSnapshot;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One live job, owned by the job-runner instance that accepted it and touched only on its event loop. */
final class Job {

  final String id;
  final String token;
  /**
   * Handed to lifecycle observers in the {@code started} event, the only place it is shown, so minted only when the
   * submitting session writes lifecycle events (else null: no token names the job); the snapshot keeps its hash.
   */
  final String resumeToken;
  final String principal;
  final String sessionId;
  final String traceId;
  final AgentRef agent;
  final SubmitRequest request;
  final JsonObject grant;
  /** Where the job's lease lives ({@code lease_lane} of its grant): every lease message of the job goes there. */
  final String leaseAddress;
  final JsonObject accepted;
  final ResultChunks chunks;
  /** Sessions that receive this job's frames: the submitter's, then subscribers'. */
  final Observers observers = new Observers();
  /** The submitting session cannot keep up: the agent was asked to pause. */
  boolean throttled;
  /**
   * Set once an operation was refused with LEASE_EXPIRED: the agent may unwind (its events still flow) but the
   * job ends with this error, whatever the agent reports, at the latest after the expiry grace.
   */
  ArcpException leaseExpired;
  /** The client's {@code traceparent}, when it sent one, the job span's parent. */
  String clientTraceparent;
  /** The job's span (a no-op span without an OpenTelemetry SDK). */
  Span span = Span.getInvalid();
  /** Cost charges sent to the lease verticle and not answered yet. */
  private int pendingCharges;
  private Promise<Void> chargesSettled;
  /**
   * What the agent side was told when the job ended ({@code cancel} or {@code ended}); told again once the agent
   * confirms the dispatch, as the first telling can reach the job's address before the agent listens there.
   */
  JsonObject endOrder;
  /**
   * Whether the agent's last message (its result or failure) said it stops listening: then the runner sends it no
   * {@code ended} order, which only an agent that waits for one needs.
   */
  boolean agentLeft;
  /** What the runner has taken of the agent's events, for the agent's event window. */
  final TakenEvents taken = new TakenEvents();
  /** Whether the submitting session negotiated provisioned credentials (delegated children inherit it). */
  boolean provisionCredentials;
  /** Set when an agent delegated this job: {@code {job_id, delegate_id}} of the delegating job. */
  JsonObject delegatedBy;

  JobStatus status = JobStatus.PENDING;
  JobSnapshot snapshot;
  /** Job-scoped count of emitted seq-bearing frames; the event log's index. */
  long eventIndex;
  final long createdNanos = System.nanoTime();
  /** The last index the event log confirmed stored and observers were sent: replays read up to here. */
  long storedIndex;
  /** The job's frames reach observers in order, each once its own append (and status write) is stored. */
  Future<?> delivered = Future.succeededFuture();
  /** Whether the agent is paused because the store is behind with this job's events (see JobTable). */
  boolean storePaused;
  long lastHeartbeatNanos = System.nanoTime();
  long maxRuntimeTimer = -1;
  MessageConsumer<JsonObject> consumer;
  /** Passes the job's orders on to its agent's node when that is another node (NodeRoutes.relay), or null. */
  MessageConsumer<JsonObject> agentRelay;

  Job(String id, String token, String principal, String sessionId, String traceId, AgentRef agent,
      SubmitRequest request, JsonObject grant, JsonObject accepted, ResultChunks chunks, Instant createdAt,
      boolean submitterWantsLifecycle) {
    this.id = id;
    this.token = token;
    this.principal = principal;
    this.sessionId = sessionId;
    this.traceId = traceId;
    this.agent = agent;
    this.request = request;
    this.grant = grant;
    this.leaseAddress = Addresses.lease(grant.getInteger("lease_lane"));
    this.accepted = accepted;
    this.chunks = chunks;
    this.resumeToken = submitterWantsLifecycle ? JobResumeToken.mint(id) : null;
    this.snapshot = new JobSnapshot(id, principal, sessionId, agent.toString(), JobStatus.PENDING,
        grant.getJsonObject("lease"), grant.getJsonObject("lease_constraints"), grant.getJsonObject("budget"),
        // the lease grant names the parent for both forms of delegation (parent_job_id or a delegation token)
        grant.getString("parent_job_id"), traceId, createdAt, accepted, createdAt,
        resumeToken == null ? null : Secrets.hash(resumeToken));
    observers.add(sessionId, submitterWantsLifecycle);
  }

  void chargeSent() {
    pendingCharges++;
  }

  void chargeAnswered() {
    if (--pendingCharges == 0 && chargesSettled != null) {
      Promise<Void> settled = chargesSettled;
      chargesSettled = null;
      settled.complete();
    }
  }

  /** Completes once every cost charged so far was answered (and its remaining-budget gauge emitted). */
  Future<Void> chargesSettled() {
    if (pendingCharges == 0) {
      return Future.succeededFuture();
    }
    if (chargesSettled == null) {
      chargesSettled = Promise.promise();
    }
    return chargesSettled.future();
  }

  boolean live() {
    return !status.terminal();
  }
}
