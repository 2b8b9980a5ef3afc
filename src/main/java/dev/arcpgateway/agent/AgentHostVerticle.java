package dev.arcpgateway.agent;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.telemetry.JobTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Java agent ({@code name@version}) on its own event loop: announces it to the registry, takes
 * dispatches on {@link Addresses#agent(String, String)}, runs each job through a {@link LocalJobContext}, reports
 * every running job alive each heartbeat interval, and withdraws the agent when undeployed.
 */
public final class AgentHostVerticle extends VerticleBase {

  private final AgentRegistration registration;
  private final GatewayOptions options;
  private final String providerId = "host_" + Ids.message();
  private final Map<String, LocalJobContext> running = new HashMap<>();
  private final JobTracing tracing;

  /** @param openTelemetry where the span of each job's run goes (§11) */
  public AgentHostVerticle(AgentRegistration registration, GatewayOptions options, OpenTelemetry openTelemetry) {
    this.registration = registration;
    this.options = options;
    this.tracing = new JobTracing(openTelemetry);
  }

  @Override
  public Future<?> start() {
    long heartbeatMs = TimeUnit.SECONDS.toMillis(options.jobHeartbeatSec());
    vertx.setPeriodic(heartbeatMs, heartbeatMs, t -> running.values().forEach(LocalJobContext::heartbeat));
    return vertx.eventBus()
        .<JsonObject>consumer(Addresses.agent(registration.name(), registration.version()), this::onDispatch)
        .completion()
        .compose(v -> vertx.eventBus().request(Addresses.AGENT_REGISTRY, new JsonObject()
            .put("op", "announce")
            .put("provider", providerId)
            .put("name", registration.name())
            .put("version", registration.version())
            .put("default", registration.isDefault()), Bus.LOCAL));
  }

  @Override
  public Future<?> stop() {
    running.values().forEach(job -> job.cancelled("agent host stopped"));
    return vertx.eventBus().request(Addresses.AGENT_REGISTRY,
            new JsonObject().put("op", "withdraw").put("provider", providerId), Bus.localWithTimeout(1_000))
        .recover(registryGone -> Future.succeededFuture()); // Vert.x closing: the registry may be gone first
  }

  private void onDispatch(Message<JsonObject> message) {
    if (registration.maxConcurrent() > 0 && running.size() >= registration.maxConcurrent()) {
      BusErrors.fail(message, new ArcpException(ErrorCode.INTERNAL_ERROR,
          registration.ref() + " is running its maximum of " + registration.maxConcurrent() + " jobs"));
      return;
    }
    JsonObject dispatch = message.body();
    String traceId = dispatch.getString("trace_id");
    Span span = tracing.startAgent(traceId, dispatch.getString("traceparent"), dispatch.getString("job_id"),
        dispatch.getString("agent"));
    // the agent sees its own span's context: what it calls and delegates continues from there
    JsonObject traced = dispatch.copy().put("traceparent", JobTracing.childTraceparent(span, traceId));
    LocalJobContext job = new LocalJobContext(vertx, traced, options.requestTimeoutMs(), () -> {
      running.remove(dispatch.getString("job_id"));
      span.end();
    });
    running.put(job.jobId(), job);
    job.listen().onComplete(ready -> {
      // "credits": this agent sends its events within an EventWindow, so the runner reports what it has taken
      message.reply(new JsonObject().put("provider", providerId).put("credits", true), Bus.OPTIONS);
      job.run(registration.agent());
    });
  }
}
