package dev.arcpgateway.job;

import dev.arcpgateway.agent.LiveInventory;
import dev.arcpgateway.auth.ObservePolicy;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.bus.LocalSessions;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.ops.GatewayMetrics;
import dev.arcpgateway.ops.LiveCount;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.telemetry.JobTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Owns jobs (§7, §8): admits submissions, dispatches them to agents, routes everything addressed to a job —
 * agent traffic, cancels, subscriptions, lease expiry, a parent ending — and ends jobs on result, failure,
 * cancel, timeout, lease expiry or a lost agent.
 *
 * <p>One instance per lane takes the submissions of its lane's sessions on {@link Addresses#jobSubmit(int)}; each
 * job then lives on that instance, at {@link Addresses#job(String)}, and is dispatched to the host of its agent in
 * the same lane when there is one (in-process agents without a concurrency limit run in every lane). Frames to
 * sessions are {@link dev.arcpgateway.protocol.JobFrame}s; sessions number them.
 */
public final class JobRunnerVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(JobRunnerVerticle.class.getName());

  private final GatewayOptions options;
  private final GatewayStore store;
  private final ObservePolicy observePolicy;
  private final OpenTelemetry openTelemetry;
  private final boolean publishLifecycle;
  /** How often a dispatch is sent before its agent counts as gone. */
  private static final int DISPATCH_ATTEMPTS = 3;
  private final LiveCount runningJobs;
  private final GatewayMetrics metrics;
  private final int lane;
  /** The agents hosted in this lane, by the address of their host here. */
  private final Map<AgentRef, String> laneAgents = new HashMap<>();
  private final LiveInventory inventory = new LiveInventory();
  private JobTable table;
  private NodeRoutes routes;
  private Admission admission;
  private AgentMessages agentMessages;
  private Delegations delegations;
  private JobSubscriptions subscriptions;

  /**
   * @param publishLifecycle whether job lifecycle moments are published on {@link Addresses#LIFECYCLE}
   * @param runningJobs      shared by every instance: counts the jobs of all of them, for a drain and a gauge
   * @param lane             the lane this instance serves
   * @param laneAgents       the agents that have a host in this lane
   */
  public JobRunnerVerticle(GatewayOptions options, GatewayStore store, ObservePolicy observePolicy,
                           OpenTelemetry openTelemetry, boolean publishLifecycle, LiveCount runningJobs,
                           GatewayMetrics metrics, int lane, Set<AgentRef> laneAgents) {
    this.lane = lane;
    laneAgents.forEach(agent -> this.laneAgents.put(agent, Addresses.agent(agent.name(), agent.version(), lane)));
    this.options = options;
    this.store = store;
    this.observePolicy = observePolicy;
    this.openTelemetry = openTelemetry;
    this.publishLifecycle = publishLifecycle;
    this.runningJobs = runningJobs;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    routes = NodeRoutes.of(vertx);
    table = new JobTable(vertx, store, new Lifecycle(vertx.eventBus(), publishLifecycle), new JobTracing(openTelemetry),
        runningJobs, metrics);
    admission = new Admission(vertx, options, store, inventory, lane);
    delegations = new Delegations(vertx, options, table, lane);
    agentMessages = new AgentMessages(vertx, options, table, delegations);
    delegations.events(agentMessages);
    subscriptions = new JobSubscriptions(vertx, options, store, observePolicy);
    long sweepMs = TimeUnit.SECONDS.toMillis(options.jobHeartbeatSec());
    vertx.setPeriodic(sweepMs, sweepMs, t -> sweepLostAgents());
    return inventory.start(vertx)
        .compose(v -> vertx.eventBus().<JsonObject>localConsumer(Addresses.DRAIN, this::onDrain).completion())
        .compose(v -> vertx.eventBus().<JsonObject>localConsumer(Addresses.jobSubmit(lane), this::onSubmit).completion());
  }

  /** The gateway drains and its timeout passed: the jobs still running end, retryable (on another node). */
  private void onDrain(Message<JsonObject> message) {
    if ("end_jobs".equals(message.body().getString("op"))) {
      for (Job job : List.copyOf(table.all())) {
        table.end(job, new ArcpException(ErrorCode.INTERNAL_ERROR, "the gateway shut down before the job finished;"
            + " submit it again", true, null), "the gateway is shutting down");
      }
    }
  }

  /** Submissions from sessions (and from delegating jobs); see {@link Admission}. */
  private void onSubmit(Message<JsonObject> message) {
    admission.admit(message.body(), this::create).onComplete(result -> {
      if (result.failed()) {
        BusErrors.fail(message, result.cause());
        return;
      }
      JsonObject reply = result.result();
      message.reply(reply, Bus.OPTIONS);
      Job job = table.get(reply.getString("job_id"));
      if (reply.getBoolean("replayed") || job == null) {
        return;
      }
      if (job.delegatedBy != null) {
        // the parent's session learns of the child before any of the child's frames (same sender, same order)
        JsonObject accepted = job.accepted.copy().put("request_id", job.delegatedBy.getString("delegate_id"));
        if (reply.containsKey("credentials")) {
          accepted.put("credentials", reply.getJsonArray("credentials"));
        }
        vertx.eventBus().send(Addresses.session(job.sessionId), new JsonObject().put("op", "accepted")
            .put("job_id", job.id).put("accepted", accepted), LocalSessions.options(vertx, job.sessionId));
        table.moment(job, Lifecycle.QUEUED); // after the session knows the child, or it would drop the frame
      }
      dispatch(job);
    });
  }

  private Future<Void> create(Job job) {
    table.add(job);
    // node-local: an agent or session on another node reaches it through this node's mailbox (NodeRoutes)
    job.consumer = vertx.eventBus().localConsumer(Addresses.job(job.id), m -> onJobMessage(job, m));
    if (job.request.maxRuntimeSec() != null) {
      job.maxRuntimeTimer = vertx.setTimer(TimeUnit.SECONDS.toMillis(job.request.maxRuntimeSec()), t -> {
        job.maxRuntimeTimer = -1;
        table.end(job, new ArcpException(ErrorCode.TIMEOUT,
            "the job exceeded max_runtime_sec " + job.request.maxRuntimeSec()), "timeout");
      });
    }
    return job.consumer.completion().compose(v -> store.jobs().put(job.snapshot))
        .onSuccess(v -> {
          if (job.delegatedBy == null) {
            table.moment(job, Lifecycle.QUEUED); // a child's, once its parent's session knows it (onSubmit)
          }
        })
        .onFailure(failure -> table.discard(job));
  }

  private void dispatch(Job job) {
    dispatch(job, dispatchOf(job), 1);
  }

  private JsonObject dispatchOf(Job job) {
    JsonObject dispatch = new JsonObject().put("op", "dispatch");
    if (routes.self() != null) {
      dispatch.put("node", routes.self()); // where the agent sends what it has for the job
    }
    return dispatch
        .put("job_id", job.id)
        .put("job_token", job.token)
        .put("agent", job.agent.toString())
        .put("principal", job.principal)
        .put("trace_id", job.traceId)
        .put("traceparent", JobTracing.childTraceparent(job.span, job.traceId))
        .put("parent_job_id", job.accepted.getString("parent_job_id"))
        .put("input", job.request.input())
        .put("lease", job.grant.getJsonObject("lease"))
        .put("lease_constraints", job.grant.getJsonObject("lease_constraints", new JsonObject()))
        .put("budget", job.grant.getJsonObject("budget"))
        .put("credentials", job.grant.getJsonArray("credentials"))
        .put("extensions", job.request.extensions());
  }

  /**
   * Sends the dispatch to the agent's host in this lane, else to the agent's providers (the event bus picks one).
   * A provider that stopped listening a moment ago — this lane's host handing over in a drain, its node draining
   * or gone, the bus not told yet — is skipped by trying again, a few times, at the agent's shared address.
   */
  private void dispatch(Job job, JsonObject dispatch, int attempt) {
    String here = attempt == 1 ? laneAgents.get(job.agent) : null;
    String address = here != null ? here : Addresses.agent(job.agent.name(), job.agent.version());
    // the job span is current while the dispatch leaves, so Vert.x's event-bus span (when tracing) joins it
    JobTracing.within(job.span, () -> vertx.eventBus().<JsonObject>request(address, dispatch, here != null
            ? Bus.localWithTimeout(options.requestTimeoutMs()) : Bus.withTimeout(options.requestTimeoutMs())))
        .onSuccess(started -> {
          relayOrders(job, started.body().getString("node"));
          if (Boolean.TRUE.equals(started.body().getValue("credits"))) {
            job.taken.report();
          }
          if (job.live()) {
            job.status = JobStatus.RUNNING;
            job.lastHeartbeatNanos = System.nanoTime();
            table.saveSnapshot(job);
            table.moment(job, Lifecycle.STARTED);
          } else {
            // ended before the agent took it: the agent listens now, so it hears the end and frees its slot
            vertx.eventBus().send(Addresses.agentJob(job.id), job.endOrder, Bus.OPTIONS);
          }
        })
        .onFailure(failure -> {
          if (BusErrors.noHandlers(failure) && attempt < DISPATCH_ATTEMPTS && job.live()) {
            dispatch(job, dispatch, attempt + 1);
            return;
          }
          ArcpException error;
          if (BusErrors.noHandlers(failure)) {
            error = new ArcpException(ErrorCode.AGENT_NOT_AVAILABLE, "agent " + job.agent + " is no longer available");
          } else if (BusErrors.timedOut(failure)) {
            // it waited in its agent's queue (every slot busy) longer than a dispatch may wait
            error = new ArcpException(ErrorCode.AGENT_NOT_AVAILABLE, "agent " + job.agent + " took no new job within "
                + options.requestTimeoutMs() + " ms (limits.request_timeout_ms); try again later", true,
                new JsonObject().put("waited_ms", options.requestTimeoutMs()));
          } else {
            error = BusErrors.toArcp(failure);
          }
          table.end(job, error, null);
        });
  }

  /** After {@code ended} or {@code cancel} the runner sends the agent nothing more. */
  private static boolean lastOrder(JsonObject order) {
    String op = order.getString("op", "");
    return op.equals("ended") || op.equals("cancel");
  }

  // ---- messages on the job's address ----------------------------------------------------------------------

  private void onJobMessage(Job job, Message<JsonObject> message) {
    // whatever arrives, an unknown or missing op is refused below, never a NullPointerException
    JsonObject body = message.body() != null ? message.body() : new JsonObject();
    String op = body.getValue("op") instanceof String named ? named : "";
    Future<JsonObject> answer;
    try {
      answer = switch (op) {
        case "cancel" -> done(() -> cancel(job, body));
        case "waiting" -> done(() -> waitsForAgent(job, body));
        case "subscribe" -> done(() -> subscriptions.subscribe(job, body));
        case "unsubscribe" -> done(() -> subscriptions.unsubscribe(job, body));
        case "throttle" -> done(() -> subscriptions.throttle(job, body));
        case "child_ended" -> done(() -> delegations.childEnded(job, body));
        case "credential_rotated" -> done(() -> table.emitToSubmitter(job, MessageType.JOB_EVENT, new JsonObject()
            .put("kind", "status").put("ts", dev.arcpgateway.protocol.Timestamps.now())
            .put("body", new JsonObject().put("phase", "credential_rotated").put("id", body.getString("id"))
                .put("value", body.getString("value")))));
        case "lease_expired" -> done(() -> table.end(job, new ArcpException(ErrorCode.LEASE_EXPIRED,
            "the lease expired at " + body.getString("expires_at")), "lease expired"));
        case "parent_ended" -> done(() -> table.end(job, new ArcpException(ErrorCode.CANCELLED,
            "parent job " + body.getString("parent_job_id") + " ended"), "parent ended"));
        default -> {
          if (!AgentOps.accepts(op)) {
            throw ArcpException.invalid("unknown job op " + op);
          }
          yield agentMessages.handle(job, op, body);
        }
      };
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(result -> {
      if (message.replyAddress() == null) {
        if (result.failed() && BusErrors.report(result.cause(), "job " + job.id + " " + op).unexpected() == null) {
          LOG.log(System.Logger.Level.WARNING, "job {0}: refused {1}: {2}", job.id, op, result.cause().getMessage());
        }
      } else {
        BusErrors.answer(message, result);
      }
    });
  }

  private static Future<JsonObject> done(Runnable action) {
    action.run();
    return Future.succeededFuture(new JsonObject());
  }

  /**
   * {@code job.cancel} from a session: only the submitting principal may cancel (§7.4, §14). Observers of other
   * principals are told so; anyone else cannot know the job exists.
   */
  private void cancel(Job job, JsonObject body) {
    String principal = Fields.string(body, "principal");
    if (!job.principal.equals(principal)) {
      throw observePolicy.mayObserve(principal, job.principal)
          ? new ArcpException(ErrorCode.PERMISSION_DENIED, "only the submitting principal may cancel " + job.id)
          : ArcpException.jobNotFound(job.id);
    }
    if (!job.live()) {
      throw ArcpException.alreadyEnded(job.id, job.status);
    }
    String reason = body.getString("reason");
    JsonObject ack = new JsonObject().put("op", "cancelled").put("job_id", job.id)
        .put("request_id", body.getString("request_id"));
    if (reason != null) {
      ack.put("reason", reason);
    }
    String sessionId = body.getString("session_id");
    vertx.eventBus().send(Addresses.session(sessionId), ack, LocalSessions.options(vertx, sessionId));
    String message = reason == null ? "cancelled by the client" : reason;
    table.finish(job, JobStatus.CANCELLED, MessageType.JOB_ERROR,
        Frames.errorPayload(JobStatus.CANCELLED.wire(), new ArcpException(ErrorCode.CANCELLED, message)),
        Lifecycle.CANCELLED, ErrorCode.CANCELLED.name(), message);
  }

  /**
   * The job's dispatch waits in its agent host's queue on {@code node} (agent/DispatchQueue), which hears the
   * job's orders from now on: on another node they are relayed there, so a cancel reaches a job that waits.
   */
  private void waitsForAgent(Job job, JsonObject body) {
    relayOrders(job, body.getString("node"));
  }

  /** The job's orders (cancel, pause, the end …) reach its agent on {@code node} when that is another node. */
  private void relayOrders(Job job, String node) {
    if (routes.remote(node) && job.agentRelay == null) {
      job.agentRelay = routes.relay(Addresses.agentJob(job.id), node, JobRunnerVerticle::lastOrder);
    }
  }

  /** Ends running jobs whose agent stopped reporting (seed row §8.9). */
  private void sweepLostAgents() {
    long limit = TimeUnit.SECONDS.toNanos(options.jobLivenessTimeoutSec());
    long now = System.nanoTime();
    List<Job> lost = new ArrayList<>();
    for (Job job : table.all()) {
      if (job.status == JobStatus.RUNNING && now - job.lastHeartbeatNanos > limit) {
        lost.add(job);
      }
    }
    lost.forEach(table::lost);
  }
}
