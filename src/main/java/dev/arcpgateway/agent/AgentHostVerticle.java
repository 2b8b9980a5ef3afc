package dev.arcpgateway.agent;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.ops.HandOver;
import dev.arcpgateway.ops.LiveCount;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.telemetry.JobTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Java agent ({@code name@version}) on its own event loop: announces it to the registry, takes
 * dispatches on {@link Addresses#agent(String, String)}, runs each job through a {@link LocalJobContext}, reports
 * every running job alive each heartbeat interval, and withdraws the agent when undeployed. With its {@code
 * maxConcurrent} jobs running, further dispatches wait in a {@link DispatchQueue}, as they do for agent processes.
 * A drain makes it stop taking dispatches first ({@link #handOver()}) while its jobs, running and waiting, finish.
 *
 * <p>An agent without a concurrency limit has a host in every lane, which also takes the dispatches of its lane's
 * job runner at {@link Addresses#agent(String, String, int)}: those jobs run on the thread of the connection that
 * submitted them. An agent with a limit has one host, outside the lanes, so that the limit holds for all its jobs.
 * The hosts of one agent are one provider to the registry: the host of the first lane announces and withdraws it.
 */
public final class AgentHostVerticle extends VerticleBase implements HandOver {

  private final AgentRegistration registration;
  private final GatewayOptions options;
  private final String providerId = "host_" + Ids.message();
  private final Map<String, LocalJobContext> running = new HashMap<>();
  private final JobTracing tracing;
  private final LiveCount hostedJobs;
  private final int lane;
  private MessageConsumer<JsonObject> dispatches;
  private MessageConsumer<JsonObject> laneDispatches;
  private DispatchQueue queue;
  private NodeRoutes routes;

  /**
   * @param openTelemetry where the span of each job's run goes (§11)
   * @param hostedJobs    counts the jobs this host runs, for a drain
   * @param lane          the lane this host serves, or -1 for the one host of an agent with a concurrency limit
   */
  public AgentHostVerticle(AgentRegistration registration, GatewayOptions options, OpenTelemetry openTelemetry,
                           LiveCount hostedJobs, int lane) {
    if (lane >= 0 && registration.maxConcurrent() > 0) {
      throw new IllegalArgumentException("an agent with a concurrency limit has one host, outside the lanes");
    }
    this.lane = lane;
    this.registration = registration;
    this.options = options;
    this.tracing = new JobTracing(openTelemetry);
    this.hostedJobs = hostedJobs;
  }

  @Override
  public Future<?> start() {
    routes = NodeRoutes.of(vertx);
    queue = new DispatchQueue(vertx, routes, registration.ref().toString(), options.agentQueueMax(), hostedJobs);
    long heartbeatMs = TimeUnit.SECONDS.toMillis(options.jobHeartbeatSec());
    vertx.setPeriodic(heartbeatMs, heartbeatMs, t -> running.values().forEach(LocalJobContext::heartbeat));
    dispatches = vertx.eventBus()
        .consumer(Addresses.agent(registration.name(), registration.version()), this::onDispatch);
    Future<Void> listening = dispatches.completion();
    if (lane >= 0) {
      laneDispatches = vertx.eventBus().localConsumer(Addresses.agent(registration.name(), registration.version(),
          lane), this::onDispatch);
      listening = listening.compose(v -> laneDispatches.completion());
    }
    if (lane > 0) {
      return listening;
    }
    return listening
        .compose(v -> vertx.eventBus().request(Addresses.AGENT_REGISTRY, new JsonObject()
            .put("op", "announce")
            .put("provider", providerId)
            .put("name", registration.name())
            .put("version", registration.version())
            .put("default", registration.isDefault()), Bus.LOCAL));
  }

  @Override
  public Future<?> stop() {
    // the queue first, or the slots the cancels free would start its jobs
    queue.failAll(new ArcpException(ErrorCode.AGENT_NOT_AVAILABLE, registration.ref() + " stopped", true, null));
    new ArrayList<>(running.values()).forEach(job -> job.cancelled("agent host stopped"));
    return withdraw();
  }

  /** Stops taking dispatches and leaves the inventory; the jobs it runs go on until they end. */
  @Override
  public Future<Void> handOver() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> dispatches.unregister()
        .compose(unregistered -> laneDispatches == null ? Future.<Void>succeededFuture() : laneDispatches.unregister())
        .compose(unregistered -> withdraw()).onComplete(done));
    return done.future();
  }

  private Future<Void> withdraw() {
    if (lane > 0) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(Addresses.AGENT_REGISTRY,
            new JsonObject().put("op", "withdraw").put("provider", providerId), Bus.localWithTimeout(1_000))
        .<Void>mapEmpty()
        .recover(registryGone -> Future.succeededFuture()); // Vert.x closing: the registry may be gone first
  }

  private void onDispatch(Message<JsonObject> message) {
    if (hasRoom() && queue.isEmpty()) {
      hostedJobs.added();
      start(message, null);
    } else {
      int free = hasRoom() ? registration.maxConcurrent() - running.size() : 0;
      queue.offer(message, registration.maxConcurrent(), free).onSuccess(waiting -> startWaiting());
    }
  }

  private boolean hasRoom() {
    return registration.maxConcurrent() <= 0 || running.size() < registration.maxConcurrent();
  }

  private void startWaiting() {
    while (hasRoom() && !queue.isEmpty()) {
      DispatchQueue.Waiting next = queue.poll();
      start(next.dispatch(), next);
    }
  }

  /** Runs the job (already counted as hosted); {@code waited} is its place in the queue, or null. */
  private void start(Message<JsonObject> message, DispatchQueue.Waiting waited) {
    JsonObject dispatch = message.body();
    String traceId = dispatch.getString("trace_id");
    Span span = tracing.startAgent(traceId, dispatch.getString("traceparent"), dispatch.getString("job_id"),
        dispatch.getString("agent"));
    Runnable onDone = () -> {
      running.remove(dispatch.getString("job_id"));
      hostedJobs.removed();
      span.end();
      startWaiting();
    };
    // the agent sees its own span's context: what it calls and delegates continues from there
    LocalJobContext job = new LocalJobContext(vertx, routes, dispatch, JobTracing.childTraceparent(span, traceId),
        options.requestTimeoutMs(), onDone);
    running.put(job.jobId(), job);
    job.listen(waited).onComplete(ready -> {
      // "credits": this agent sends its events within an EventWindow, so the runner reports what it has taken
      message.reply(new JsonObject().put("provider", providerId).put("node", routes.self()).put("credits", true),
          Bus.OPTIONS);
      job.run(registration.agent());
    });
  }
}
