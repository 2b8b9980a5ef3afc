package dev.arcpgateway.job;

import dev.arcpgateway.agent.LiveInventory;
import dev.arcpgateway.auth.Audit;
import dev.arcpgateway.auth.ObservePolicy;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.EventBodies;
import dev.arcpgateway.protocol.Extensions;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.protocol.Timestamps;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.IdempotencyStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Owns jobs: accepts submissions (agent resolution, lease grant, idempotency), dispatches them to agents,
 * validates what agents send, numbers each job's frames and fans them out to the observing sessions, and ends
 * jobs on result, failure, cancel, timeout, lease expiry or a lost agent (§7, §8).
 *
 * <p>Several instances share {@link Addresses#JOB_SUBMIT}; each job then lives on the instance that accepted it,
 * at {@link Addresses#job(String)}. Frames to sessions are {@code {op:"job", type, job_id, trace_id, payload}};
 * the session numbers them.
 */
public final class JobRunnerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(JobRunnerVerticle.class.getName());

  private final GatewayOptions options;
  private final GatewayStore store;
  private final ObservePolicy observePolicy;
  private final LiveInventory inventory = new LiveInventory();
  private final Map<String, Job> jobs = new HashMap<>();
  private Lifecycle lifecycle;

  public JobRunnerVerticle(GatewayOptions options, GatewayStore store, ObservePolicy observePolicy) {
    this.options = options;
    this.store = store;
    this.observePolicy = observePolicy;
  }

  @Override
  public Future<?> start() {
    lifecycle = new Lifecycle(vertx.eventBus());
    long sweepMs = TimeUnit.SECONDS.toMillis(options.jobHeartbeatSec());
    vertx.setPeriodic(sweepMs, sweepMs, t -> sweepLostAgents());
    return inventory.start(vertx)
        .compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.JOB_SUBMIT, this::onSubmit).completion());
  }

  // ---- submission ------------------------------------------------------------------------------------------

  /**
   * {@code {session_id, principal, request_id, trace_id, job_id, payload}} → {@code {job_id, accepted,
   * replayed}}; refusals fail the message with the ARCP error.
   */
  private void onSubmit(Message<JsonObject> message) {
    JsonObject body = message.body();
    SubmitRequest request;
    AgentRef agent;
    try {
      request = SubmitRequest.parse(body.getJsonObject("payload"));
      agent = inventory.current().resolve(request.agent());
    } catch (RuntimeException e) {
      BusErrors.fail(message, e);
      return;
    }
    String jobId = body.getString("job_id");
    String token = Secrets.token("jt_");
    String principal = body.getString("principal");
    String traceId = Ids.traceIdFrom(body.getString("trace_id"));
    JsonObject grantRequest = new JsonObject()
        .put("op", "grant")
        .put("job_id", jobId)
        .put("job_token", token)
        .put("principal", principal)
        .put("lease_request", request.leaseRequest())
        .put("lease_constraints", request.leaseConstraints());
    vertx.eventBus().<JsonObject>request(Addresses.LEASE, grantRequest, Bus.withTimeout(options.requestTimeoutMs()))
        .recover(failure -> Future.failedFuture(BusErrors.toArcp(failure)))
        .compose(grant -> {
          Instant now = Instant.now();
          JsonObject accepted = acceptedPayload(jobId, agent, grant.body(), traceId, request, now);
          Job job = new Job(jobId, token, principal, body.getString("session_id"), traceId, agent, request,
              grant.body(), accepted, new ResultChunks(options.resultChunkMaxBytes(), options.resultMaxBytes()), now);
          return claimKey(job).compose(winner -> {
            if (!winner.jobId().equals(jobId)) {
              releaseLease(jobId);
              return replay(job, winner);
            }
            return create(job).map(v -> new JsonObject().put("job_id", jobId).put("accepted", accepted)
                .put("replayed", false));
          });
        })
        .onSuccess(reply -> {
          message.reply(reply, Bus.OPTIONS);
          Job job = jobs.get(reply.getString("job_id"));
          if (!reply.getBoolean("replayed") && job != null) {
            dispatch(job);
          }
        })
        .onFailure(failure -> BusErrors.fail(message, failure));
  }

  private static JsonObject acceptedPayload(String jobId, AgentRef agent, JsonObject grant, String traceId,
                                            SubmitRequest request, Instant now) {
    JsonObject accepted = new JsonObject()
        .put("job_id", jobId)
        .put("agent", agent.toString())
        .put("lease", grant.getJsonObject("lease"));
    if (grant.containsKey("lease_constraints")) {
      accepted.put("lease_constraints", grant.getJsonObject("lease_constraints"));
    }
    if (grant.containsKey("budget")) {
      accepted.put("budget", grant.getJsonObject("budget"));
    }
    if (request.parentJobId() != null) {
      accepted.put("parent_job_id", request.parentJobId());
    }
    return accepted.put("accepted_at", Timestamps.format(now)).put("trace_id", traceId);
  }

  /** The idempotency claim that stands for this submission: the job's own, or an earlier one (§7.2). */
  private Future<IdempotencyStore.Claim> claimKey(Job job) {
    if (job.request.idempotencyKey() == null) {
      return Future.succeededFuture(new IdempotencyStore.Claim(job.principal, null, null, job.id, null));
    }
    return store.idempotency().claim(new IdempotencyStore.Claim(job.principal, job.request.idempotencyKey(),
        job.request.fingerprint(), job.id, Instant.now().plusSeconds(options.idempotencyTtlSec())));
  }

  private Future<JsonObject> replay(Job attempt, IdempotencyStore.Claim winner) {
    if (!winner.fingerprint().equals(attempt.request.fingerprint())) {
      return Future.failedFuture(new ArcpException(ErrorCode.DUPLICATE_KEY,
          "idempotency_key " + attempt.request.idempotencyKey() + " was used for different parameters",
          new JsonObject().put("existing_job_id", winner.jobId())));
    }
    return store.jobs().get(winner.jobId()).compose(existing -> existing == null
        ? Future.failedFuture(new ArcpException(ErrorCode.INTERNAL_ERROR,
            "the job for this idempotency_key is not available yet; retry"))
        : Future.succeededFuture(new JsonObject().put("job_id", existing.jobId())
            .put("accepted", existing.accepted()).put("replayed", true)));
  }

  private Future<Void> create(Job job) {
    jobs.put(job.id, job);
    job.consumer = vertx.eventBus().consumer(Addresses.job(job.id), m -> onJobMessage(job, m));
    if (job.request.maxRuntimeSec() != null) {
      job.maxRuntimeTimer = vertx.setTimer(TimeUnit.SECONDS.toMillis(job.request.maxRuntimeSec()), t -> {
        job.maxRuntimeTimer = -1;
        end(job, new ArcpException(ErrorCode.TIMEOUT,
            "the job exceeded max_runtime_sec " + job.request.maxRuntimeSec()), "timeout");
      });
    }
    lifecycle.publish(Lifecycle.QUEUED, job, null);
    return job.consumer.completion().compose(v -> store.jobs().put(job.snapshot));
  }

  private void dispatch(Job job) {
    JsonObject dispatch = new JsonObject()
        .put("op", "dispatch")
        .put("job_id", job.id)
        .put("job_token", job.token)
        .put("agent", job.agent.toString())
        .put("principal", job.principal)
        .put("trace_id", job.traceId)
        .put("parent_job_id", job.request.parentJobId())
        .put("input", job.request.input())
        .put("lease", job.grant.getJsonObject("lease"))
        .put("lease_constraints", job.grant.getJsonObject("lease_constraints", new JsonObject()))
        .put("budget", job.grant.getJsonObject("budget"))
        .put("extensions", job.request.extensions());
    vertx.eventBus().request(Addresses.agent(job.agent.name(), job.agent.version()), dispatch,
            Bus.withTimeout(options.requestTimeoutMs()))
        .onSuccess(started -> {
          if (job.live()) {
            job.status = JobStatus.RUNNING;
            job.lastHeartbeatNanos = System.nanoTime();
            saveSnapshot(job);
            lifecycle.publish(Lifecycle.STARTED, job, null);
          }
        })
        .onFailure(failure -> {
          ArcpException error = BusErrors.noHandlers(failure)
              ? new ArcpException(ErrorCode.AGENT_NOT_AVAILABLE, "agent " + job.agent + " is no longer available")
              : BusErrors.toArcp(failure);
          end(job, error, null);
        });
  }

  // ---- messages on the job's address ----------------------------------------------------------------------

  private void onJobMessage(Job job, Message<JsonObject> message) {
    JsonObject body = message.body();
    String op = body.getString("op", "");
    try {
      switch (op) {
        case "event", "result", "fail", "heartbeat" -> onAgentMessage(job, op, body);
        case "cancel" -> cancel(job, body);
        case "subscribe" -> {
          subscribe(job, body);
        }
        case "unsubscribe" -> job.observers.remove(body.getString("session_id"));
        case "throttle" -> throttle(job, body);
        case "lease_expired" -> end(job, new ArcpException(ErrorCode.LEASE_EXPIRED,
            "the lease expired at " + body.getString("expires_at")), "lease expired");
        default -> throw ArcpException.invalid("unknown job op " + op);
      }
      if (message.replyAddress() != null) {
        message.reply(new JsonObject(), Bus.OPTIONS);
      }
    } catch (RuntimeException e) {
      if (message.replyAddress() != null) {
        BusErrors.fail(message, e);
      } else {
        LOG.log(System.Logger.Level.WARNING, "job {0}: refused {1}: {2}", job.id, op, e.getMessage());
      }
    }
  }

  private void onAgentMessage(Job job, String op, JsonObject body) {
    if (!Secrets.equal(job.token, body.getString("job_token"))) {
      throw new ArcpException(ErrorCode.PERMISSION_DENIED, "wrong job token for " + job.id);
    }
    if (!job.live()) {
      return; // late messages from an agent whose job already ended are dropped
    }
    job.lastHeartbeatNanos = System.nanoTime();
    switch (op) {
      case "event" -> onAgentEvent(job, body);
      case "result" -> onAgentResult(job, body);
      case "fail" -> {
        JsonObject error = Fields.optObject(body, "error");
        end(job, error == null ? new ArcpException(ErrorCode.INTERNAL_ERROR, "the agent failed")
            : ArcpException.fromPayload(error), null);
      }
      default -> lifecycle.publish(Lifecycle.HEARTBEAT, job, null);
    }
  }

  private void onAgentEvent(Job job, JsonObject message) {
    String kind = Fields.string(message, "kind");
    JsonObject body = Fields.optObject(message, "body");
    if ("result_chunk".equals(kind)) {
      if (body == null) {
        throw ArcpException.invalid("result_chunk needs a body");
      }
      try {
        body = job.chunks.accept(body);
      } catch (ArcpException broken) {
        end(job, broken, null);
        return;
      }
    } else {
      body = EventBodies.validate(kind, body);
    }
    emitEvent(job, kind, message.getString("ts"), body, message);
  }

  private void emitEvent(Job job, String kind, String ts, JsonObject body, JsonObject extensionsFrom) {
    JsonObject payload = new JsonObject().put("kind", kind).put("ts", ts != null ? ts : Timestamps.now())
        .put("body", body);
    if (extensionsFrom != null) {
      for (String key : extensionsFrom.fieldNames()) {
        if (Extensions.isExtensionKey(key) || "extensions".equals(key)) {
          payload.put(key, extensionsFrom.getValue(key));
        }
      }
    }
    emit(job, MessageType.JOB_EVENT, payload);
  }

  private void onAgentResult(Job job, JsonObject message) {
    JsonObject payload = new JsonObject().put("final_status", JobStatus.SUCCESS.wire());
    if (job.chunks.started()) {
      if (message.getValue("result") != null) {
        end(job, new ArcpException(ErrorCode.INTERNAL_ERROR,
            "the agent returned an inline result after streaming result chunks"), null);
        return;
      }
      JsonObject closing = job.chunks.closingChunk();
      if (closing != null) {
        emitEvent(job, "result_chunk", null, closing, null);
      }
      payload.put("result_id", job.chunks.resultId()).put("result_size", job.chunks.totalBytes());
    } else {
      payload.put("result", message.getValue("result"));
    }
    if (message.getValue("summary") instanceof String summary) {
      payload.put("summary", summary);
    }
    finish(job, JobStatus.SUCCESS, MessageType.JOB_RESULT, payload, Lifecycle.COMPLETED, null, null);
  }

  /**
   * {@code job.cancel} from a session: only the submitting principal may cancel (§7.4, §14). Observers of other
   * principals are told so; anyone else cannot know the job exists.
   */
  private void cancel(Job job, JsonObject body) {
    String principal = body.getString("principal");
    if (!job.principal.equals(principal)) {
      throw observePolicy.mayObserve(principal, job.principal)
          ? new ArcpException(ErrorCode.PERMISSION_DENIED, "only the submitting principal may cancel " + job.id)
          : new ArcpException(ErrorCode.JOB_NOT_FOUND, "no job " + job.id);
    }
    String reason = body.getString("reason");
    JsonObject ack = new JsonObject().put("op", "cancelled").put("job_id", job.id)
        .put("request_id", body.getString("request_id"));
    if (reason != null) {
      ack.put("reason", reason);
    }
    vertx.eventBus().send(Addresses.session(body.getString("session_id")), ack, Bus.OPTIONS);
    String message = reason == null ? "cancelled by the client" : reason;
    finish(job, JobStatus.CANCELLED, MessageType.JOB_ERROR,
        Frames.errorPayload(JobStatus.CANCELLED.wire(), new ArcpException(ErrorCode.CANCELLED, message)),
        Lifecycle.CANCELLED, ErrorCode.CANCELLED.name(), message);
  }

  /**
   * {@code job.subscribe} (§7.6): checks the observe policy (every decision audited), then sends the subscriber
   * the requested history, the {@code subscribed} descriptor, and from then on the live frames.
   */
  private void subscribe(Job job, JsonObject body) {
    String subscriber = body.getString("principal");
    boolean allowed = observePolicy.mayObserve(subscriber, job.principal);
    Audit.subscribe(subscriber, job.id, job.principal, allowed);
    if (!allowed) {
      throw new ArcpException(ErrorCode.PERMISSION_DENIED, "principal " + subscriber + " may not observe " + job.id);
    }
    String session = body.getString("session_id");
    boolean history = body.getBoolean("history", false);
    long from = Math.max(0, body.getLong("from_event_seq", 0L));
    long upTo = job.eventIndex;
    job.observers.catchUp(session);
    Future<List<EventLog.LoggedEvent>> replay = history && from < upTo
        ? store.events().read(job.id, from, (int) Math.min(Integer.MAX_VALUE, upTo - from))
        : Future.succeededFuture(List.of());
    Future<JsonObject> budget = currentBudget(job);
    Future.all(replay, budget).onComplete(done -> {
      List<EventLog.LoggedEvent> events = replay.succeeded() ? replay.result() : List.of();
      String address = Addresses.session(session);
      int replayed = 0;
      for (EventLog.LoggedEvent event : events) {
        if (event.index() <= upTo) {
          vertx.eventBus().send(address, event.event(), Bus.OPTIONS);
          replayed++;
        }
      }
      JsonObject descriptor = job.snapshot.withStatus(job.status, Instant.now())
          .descriptor(budget.succeeded() ? budget.result() : null);
      vertx.eventBus().send(address, new JsonObject().put("op", "subscribed").put("job_id", job.id)
          .put("request_id", body.getString("request_id")).put("descriptor", descriptor)
          .put("replayed", replayed), Bus.OPTIONS);
      job.observers.caughtUp(session).forEach(frame -> vertx.eventBus().send(address, frame, Bus.OPTIONS));
    });
  }

  private Future<JsonObject> currentBudget(Job job) {
    if (!job.grant.containsKey("budget")) {
      return Future.succeededFuture(null);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.LEASE, new JsonObject().put("op", "budget")
            .put("job_id", job.id), Bus.withTimeout(options.requestTimeoutMs()))
        .map(reply -> reply.body().getJsonObject("budget"));
  }

  /** The submitting session is (no longer) falling behind: pause (resume) the agent's event stream. */
  private void throttle(Job job, JsonObject body) {
    if (!job.sessionId.equals(body.getString("session_id"))) {
      return; // slow subscribers are never allowed to slow the job for everyone else
    }
    boolean slow = body.getBoolean("slow", false);
    if (slow != job.throttled) {
      job.throttled = slow;
      vertx.eventBus().send(Addresses.agentJob(job.id), new JsonObject().put("op", slow ? "pause" : "resume"),
          Bus.OPTIONS);
    }
  }

  // ---- ending jobs ----------------------------------------------------------------------------------------

  /** Ends a job with {@code error}; {@code agentReason}, when set, is passed to the still-running agent. */
  private void end(Job job, ArcpException error, String agentReason) {
    if (!job.live()) {
      return;
    }
    JobStatus status = switch (error.code()) {
      case TIMEOUT -> JobStatus.TIMED_OUT;
      case CANCELLED -> JobStatus.CANCELLED;
      default -> JobStatus.ERROR;
    };
    String moment = status == JobStatus.CANCELLED ? Lifecycle.CANCELLED : Lifecycle.FAILED;
    finish(job, status, MessageType.JOB_ERROR, Frames.errorPayload(status.wire(), error), moment,
        error.code().name(), agentReason != null ? agentReason : error.getMessage());
  }

  private void finish(Job job, JobStatus status, MessageType type, JsonObject payload, String moment, String code,
                      String agentReason) {
    if (!job.live()) {
      return;
    }
    job.status = status;
    emit(job, type, payload);
    if (agentReason != null) {
      vertx.eventBus().send(Addresses.agentJob(job.id), new JsonObject().put("op", "cancel")
          .put("reason", agentReason), Bus.OPTIONS);
    }
    if (job.maxRuntimeTimer >= 0) {
      vertx.cancelTimer(job.maxRuntimeTimer);
    }
    jobs.remove(job.id);
    job.consumer.unregister();
    releaseLease(job.id);
    saveSnapshot(job);
    lifecycle.publish(moment, job, code);
  }

  private void releaseLease(String jobId) {
    vertx.eventBus().send(Addresses.LEASE, new JsonObject().put("op", "release").put("job_id", jobId),
        Bus.OPTIONS);
  }

  /** Numbers the frame in the job's own log and sends it to every observing session. */
  private void emit(Job job, MessageType type, JsonObject payload) {
    JsonObject frame = new JsonObject()
        .put("op", "job")
        .put("type", type.wire())
        .put("job_id", job.id)
        .put("trace_id", job.traceId)
        .put("index", ++job.eventIndex)
        .put("payload", payload);
    store.events().append(job.id, job.eventIndex, frame);
    job.observers.send(vertx.eventBus(), frame);
  }

  private void saveSnapshot(Job job) {
    job.snapshot = job.snapshot.withStatus(job.status, Instant.now());
    store.jobs().put(job.snapshot).onFailure(e ->
        LOG.log(System.Logger.Level.ERROR, "could not store job " + job.id, e));
  }

  /** Ends running jobs whose agent stopped reporting: the agent process died or hangs (seed row §8.9). */
  private void sweepLostAgents() {
    long limit = TimeUnit.SECONDS.toNanos(options.jobLivenessTimeoutSec());
    long now = System.nanoTime();
    List<Job> lost = new ArrayList<>();
    for (Job job : jobs.values()) {
      if (job.status == JobStatus.RUNNING && now - job.lastHeartbeatNanos > limit) {
        lost.add(job);
      }
    }
    for (Job job : lost) {
      end(job, new ArcpException(ErrorCode.INTERNAL_ERROR, "lost contact with agent " + job.agent, true,
          new JsonObject().put("agent", job.agent.toString()).put("reason", "agent stopped heartbeating")),
          "agent lost");
    }
  }
}
