package dev.arcpgateway.agent;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.EventBodies;
import dev.arcpgateway.protocol.EventKind;
import dev.arcpgateway.protocol.Extensions;
import dev.arcpgateway.protocol.Timestamps;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@link JobContext} of a Java agent running in an agent host. Events are checked here (so the agent's
 * future fails at once on a bad body) and sent to the job's owner, which checks them again like anything an
 * agent sends; every message carries the job token.
 */
final class LocalJobContext implements JobContext {

  private final Vertx vertx;
  private final JsonObject dispatch;
  private final String traceparent;
  private final String jobId;
  private final String jobToken;
  private final String jobAddress;
  private final NodeRoutes routes;
  /** The node whose job runner owns the job (null without a cluster). */
  private final String ownerNode;
  /** Frees the job's slot in its host: once, when the agent is done or the job ended from outside. */
  private final Runnable onDone;
  private boolean released;
  /** How long a finished job keeps listening for the job runner's last order before letting go anyway. */
  private final long lastOrderGraceMs;
  private final Promise<Void> cancelled = Promise.promise();
  private final EventWindow window;
  private final EventBatch batch;
  private MessageConsumer<JsonObject> orders;
  private LocalResultStream resultStream;
  private boolean done;
  private boolean endedFromOutside;
  /** The agent's result or failure told the runner that it stops listening. */
  private boolean leaving;
  /** The job runner's last order to this job ({@code ended} or {@code cancel}) has arrived. */
  private boolean lastOrderReceived;
  private long lastOrderTimer = -1;
  private final Map<String, Promise<Object>> delegations = new HashMap<>();
  private long callCounter;

  /**
   * @param dispatch    the runner's dispatch, read only
   * @param traceparent the context of the agent's own span: what the agent calls and delegates continues from it
   */
  LocalJobContext(Vertx vertx, NodeRoutes routes, JsonObject dispatch, String traceparent, long lastOrderGraceMs,
                  Runnable onDone) {
    this.vertx = vertx;
    this.dispatch = dispatch;
    this.traceparent = traceparent;
    this.jobId = dispatch.getString("job_id");
    this.jobToken = dispatch.getString("job_token");
    this.jobAddress = Addresses.job(jobId);
    this.onDone = onDone;
    this.lastOrderGraceMs = lastOrderGraceMs;
    this.routes = routes;
    this.ownerNode = dispatch.getString("node");
    Context host = vertx.getOrCreateContext(); // the host's: where the job's window and batch live
    this.batch = new EventBatch(task -> host.runOnContext(endOfTurn -> task.run()), jobToken,
        message -> routes.send(ownerNode, jobAddress, message));
    this.window = new EventWindow(batch, () -> envelope("heartbeat"));
  }

  /**
   * Starts listening for the job runner's orders (cancel) before the agent runs: on a consumer of its own, or on
   * the one that heard them while the job waited for a slot ({@code waited}, may be null).
   */
  Future<Void> listen(DispatchQueue.Waiting waited) {
    if (waited == null) {
      orders = vertx.eventBus().localConsumer(Addresses.agentJob(jobId), this::onOrder); // others: via the mailbox
      return orders.completion();
    }
    orders = waited.ordersTo(this::onOrder);
    if (waited.paused()) {
      window.pause();
    }
    return Future.succeededFuture();
  }

  private void onOrder(Message<JsonObject> message) {
    switch (message.body().getString("op", "")) {
      case "cancel" -> {
        cancelled(message.body().getString("reason", "cancelled"));
        lastOrder();
      }
      case "ended" -> {
        // sent before the agent finished only for a job whose dispatch the runner gave up on (it waited too long)
        cancelled("the job has ended");
        lastOrder();
      }
      case "taken" -> window.taken(message.body().getLong("events", 0L), message.body().getLong("bytes", 0L));
      case "pause" -> window.pause();
      case "resume" -> window.resume();
      case "delegate_result" -> delegateResult(message.body());
      default -> {
        // nothing else is sent to running jobs
      }
    }
  }

  void run(Agent agent) {
    Future<?> outcome;
    try {
      outcome = agent.run(this);
      if (outcome == null) {
        outcome = Future.succeededFuture();
      }
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(result -> {
      if (!done) {
        // with no event sent, no report of taken events can still be on its way: the runner need not say "ended"
        leaving = window.sentNoEvent();
        if (result.succeeded()) {
          JsonObject message = envelope("result").put("leaving", leaving);
          Object value = result.result();
          if (resultStream != null && resultStream.started()) {
            if (value instanceof String summary) {
              message.put("summary", summary);
            }
          } else {
            message.put("result", value);
          }
          send(message);
        } else {
          send(envelope("fail").put("leaving", leaving)
              .put("error", BusErrors.report(result.cause(), "job " + jobId).toPayload()));
        }
      }
      finish();
    });
  }

  /** Heartbeats go past the window: a job waiting for its client is still alive. */
  void heartbeat() {
    if (!done) {
      routes.send(ownerNode, jobAddress, envelope("heartbeat"));
    }
  }

  /** The job ended from outside (cancel, timeout, lease expiry, host stopping). */
  void cancelled(String reason) {
    if (!done) {
      done = true;
      endedFromOutside = true;
      window.discard();
      batch.discard();
      cancelled.tryComplete();
      failDelegations();
      // the slot is free at once, as for an agent process: an agent slow to notice must not hold up the queue
      release();
    }
  }

  private void release() {
    if (!released) {
      released = true;
      onDone.run();
    }
  }

  private void failDelegations() {
    // failing a delegation runs the agent's handlers, which may start or drop delegations: fail a copy
    List<Promise<Object>> pending = new ArrayList<>(delegations.values());
    delegations.clear();
    pending.forEach(p -> p.tryFail(ArcpException.invalid("job " + jobId + " has ended")));
  }

  private void finish() {
    done = true;
    cancelled.tryComplete();
    failDelegations();
    release();
    if (orders == null) {
      return;
    }
    // the result may wait in the window (its client paused the job): keep listening for the resume until it left
    window.whenEmpty().onComplete(sent -> {
      if (leaving) {
        orders.unregister(); // the result or failure said "leaving": the runner sends no more orders
      } else if (!lastOrderReceived) {
        // the runner's "ended" or "cancel" may be on its way: leaving before it arrives makes Vert.x warn as it
        // discards it
        lastOrderTimer = vertx.setTimer(lastOrderGraceMs, t -> orders.unregister());
      }
    });
  }

  /** The job runner sends nothing after {@code ended} or {@code cancel}: stop listening once the agent is done. */
  private void lastOrder() {
    lastOrderReceived = true;
    if (done) {
      if (lastOrderTimer >= 0) {
        vertx.cancelTimer(lastOrderTimer);
      }
      orders.unregister();
    }
  }

  private JsonObject envelope(String op) {
    return new JsonObject().put("op", op).put("job_token", jobToken);
  }

  /** Sends anything but an event or a heartbeat, after the events before it. */
  private void send(JsonObject message) {
    window.other(message);
  }

  /** Sends an event within the window; completes once it left, which is when the gateway can take more. */
  private Future<Void> sendEvent(JsonObject message) {
    return window.event(message);
  }

  private Future<Void> event(String kind, JsonObject body) {
    return event(envelope("event"), kind, body);
  }

  private Future<Void> event(JsonObject message, String kind, JsonObject body) {
    if (done) {
      return Future.failedFuture(ArcpException.invalid("job " + jobId + " has ended"));
    }
    try {
      EventBodies.validate(kind, body);
    } catch (ArcpException e) {
      return Future.failedFuture(e);
    }
    return sendEvent(message.put("kind", kind).put("ts", Timestamps.now()).put("body", body));
  }

  @Override
  public String jobId() {
    return jobId;
  }

  @Override
  public String agentName() {
    String agent = dispatch.getString("agent");
    return agent.substring(0, agent.indexOf('@'));
  }

  @Override
  public String agentVersion() {
    String agent = dispatch.getString("agent");
    return agent.substring(agent.indexOf('@') + 1);
  }

  @Override
  public String principal() {
    return dispatch.getString("principal");
  }

  @Override
  public String traceId() {
    return dispatch.getString("trace_id");
  }

  @Override
  public String traceparent() {
    return traceparent;
  }

  @Override
  public String parentJobId() {
    return dispatch.getString("parent_job_id");
  }

  @Override
  public Object input() {
    return dispatch.getValue("input");
  }

  @Override
  public JsonObject lease() {
    return dispatch.getJsonObject("lease", new JsonObject());
  }

  @Override
  public JsonObject leaseConstraints() {
    return dispatch.getJsonObject("lease_constraints", new JsonObject());
  }

  @Override
  public JsonObject extensions() {
    return dispatch.getJsonObject("extensions", new JsonObject());
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public Future<Void> log(String level, String message) {
    return event(EventKind.LOG.wire(), new JsonObject().put("level", level).put("message", message));
  }

  @Override
  public Future<Void> thought(String text) {
    return event(EventKind.THOUGHT.wire(), new JsonObject().put("text", text));
  }

  @Override
  public Future<Void> status(String phase, String message) {
    JsonObject body = new JsonObject().put("phase", phase);
    if (message != null) {
      body.put("message", message);
    }
    return event(EventKind.STATUS.wire(), body);
  }

  @Override
  public Future<Void> progress(long current, Long total, String units, String message) {
    JsonObject body = new JsonObject().put("current", current);
    putIfSet(body, "total", total);
    putIfSet(body, "units", units);
    putIfSet(body, "message", message);
    return event(EventKind.PROGRESS.wire(), body);
  }

  @Override
  public Future<Void> metric(String name, Number value, String unit, JsonObject dimensions) {
    JsonObject body = new JsonObject().put("name", name).put("value", value);
    putIfSet(body, "unit", unit);
    putIfSet(body, "dimensions", dimensions);
    return event(EventKind.METRIC.wire(), body);
  }

  @Override
  public Future<Void> toolCall(String tool, JsonObject args, String callId) {
    return event(EventKind.TOOL_CALL.wire(), new JsonObject().put("tool", tool)
        .put("args", args == null ? new JsonObject() : args).put("call_id", callId));
  }

  @Override
  public Future<Void> toolResult(String callId, Object result) {
    return event(EventKind.TOOL_RESULT.wire(), new JsonObject().put("call_id", callId).put("result", result));
  }

  @Override
  public Future<Void> toolError(String callId, ArcpException error) {
    return event(EventKind.TOOL_RESULT.wire(), new JsonObject().put("call_id", callId)
        .put("error", error.toPayload()));
  }

  @Override
  public Future<Void> artifactRef(String uri, String contentType, Long byteSize, String sha256) {
    JsonObject body = new JsonObject().put("uri", uri).put("content_type", contentType);
    putIfSet(body, "byte_size", byteSize);
    putIfSet(body, "sha256", sha256);
    return event(EventKind.ARTIFACT_REF.wire(), body);
  }

  @Override
  public Future<Void> emit(String kind, JsonObject body, JsonObject extensions) {
    if (EventKind.RESULT_CHUNK.wire().equals(kind)) {
      return Future.failedFuture(ArcpException.invalid("stream results through resultStream()"));
    }
    JsonObject message = envelope("event");
    if (extensions != null) {
      for (String key : extensions.fieldNames()) {
        Object value = extensions.getValue(key);
        boolean extensionsObject = "extensions".equals(key) && value instanceof JsonObject;
        if (!Extensions.isExtensionKey(key) && !extensionsObject) {
          return Future.failedFuture(ArcpException.invalid("event extensions take x-* keys and an extensions"
              + " object, not " + key));
        }
        message.put(key, value); // the local bus copies JSON values on delivery
      }
    }
    return event(message, kind, body == null ? null : body.copy());
  }

  @Override
  public ResultStream resultStream() {
    if (resultStream == null) {
      resultStream = new LocalResultStream();
    }
    return resultStream;
  }

  @Override
  public boolean isCancelled() {
    return endedFromOutside;
  }

  @Override
  public Future<Void> whenCancelled() {
    return cancelled.future();
  }

  @Override
  public Future<Void> authorize(String capability, String resource) {
    return ask(envelope("authorize").put("capability", capability).put("resource", resource)).mapEmpty();
  }

  /** A question to the job's owner, which answers it (or has the lease verticle answer it). */
  private Future<JsonObject> ask(JsonObject request) {
    if (done) {
      return Future.failedFuture(ArcpException.invalid("job " + jobId + " has ended"));
    }
    // after the events sent before it: those waiting in the window, then those gathered in this turn's batch
    return window.whenEmpty().compose(v -> {
      batch.flush();
      return routes.request(ownerNode, jobAddress, request, Bus.OPTIONS);
    })
        .map(reply -> reply.body())
        .recover(failure -> Future.failedFuture(BusErrors.noHandlers(failure)
            ? new ArcpException(ErrorCode.JOB_NOT_FOUND, "job " + jobId + " has ended") : BusErrors.toArcp(failure)));
  }

  @Override
  public Future<Object> callTool(String tool, JsonObject args, Function<JsonObject, Future<?>> invoke) {
    String callId = "call_" + (++callCounter);
    JsonObject arguments = args == null ? new JsonObject() : args;
    return toolCall(tool, arguments, callId)
        .compose(v -> authorize("tool.call", tool))
        .compose(allowed -> {
          Future<?> outcome;
          try {
            outcome = invoke.apply(arguments);
          } catch (RuntimeException e) {
            outcome = Future.failedFuture(e);
          }
          return outcome.<Object>map(result -> result);
        })
        .transform(outcome -> {
          if (outcome.succeeded()) {
            return toolResult(callId, outcome.result()).map(outcome.result());
          }
          ArcpException error = BusErrors.report(outcome.cause(), "job " + jobId + " tool call " + callId);
          return toolError(callId, error).transform(v -> Future.failedFuture(error));
        });
  }

  @Override
  public Future<Void> useModel(String model) {
    return authorize("model.use", model);
  }

  @Override
  public Future<Object> delegate(String agent, Object input, JsonObject leaseRequest, JsonObject leaseConstraints) {
    String delegateId = "del_" + dev.arcpgateway.protocol.Ids.message();
    Promise<Object> outcome = Promise.promise();
    delegations.put(delegateId, outcome);
    ask(envelope("delegate").put("delegate_id", delegateId).put("agent", agent).put("input", input)
        .put("traceparent", traceparent())
        .put("lease_request", leaseRequest).put("lease_constraints", leaseConstraints))
        .onFailure(refused -> {
          delegations.remove(delegateId);
          outcome.tryFail(refused);
        });
    return outcome.future();
  }

  private void delegateResult(JsonObject body) {
    Promise<Object> outcome = delegations.remove(body.getString("delegate_id"));
    if (outcome == null) {
      return;
    }
    JsonObject payload = body.getJsonObject("payload", new JsonObject());
    if ("job.result".equals(body.getString("type"))) {
      outcome.tryComplete(payload.containsKey("result_id") ? payload : payload.getValue("result"));
    } else {
      outcome.tryFail(ArcpException.fromPayload(payload));
    }
  }

  @Override
  public JsonArray credentials() {
    JsonArray credentials = dispatch.getJsonArray("credentials");
    return credentials == null ? new JsonArray() : credentials;
  }

  private static void putIfSet(JsonObject body, String field, Object value) {
    if (value != null) {
      body.put(field, value);
    }
  }

  /** Chunks numbered here; the result id is minted by the runtime on the first chunk. */
  private final class LocalResultStream implements ResultStream {
    private final String resultId = dev.arcpgateway.protocol.Ids.result();
    private long chunkSeq;
    private long size;

    boolean started() {
      return chunkSeq > 0;
    }

    @Override
    public String resultId() {
      return started() ? resultId : null;
    }

    @Override
    public Future<Void> write(String text) {
      size += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      return chunk(text, "utf8");
    }

    @Override
    public Future<Void> write(Buffer bytes) {
      size += bytes.length();
      return chunk(Base64.getEncoder().encodeToString(bytes.getBytes()), "base64");
    }

    private Future<Void> chunk(String data, String encoding) {
      if (done) {
        return Future.failedFuture(ArcpException.invalid("job " + jobId + " has ended"));
      }
      return sendEvent(envelope("event").put("kind", EventKind.RESULT_CHUNK.wire()).put("ts", Timestamps.now())
          .put("body", new JsonObject().put("result_id", resultId).put("chunk_seq", chunkSeq++).put("data", data)
              .put("encoding", encoding).put("more", true)));
    }

    @Override
    public long size() {
      return size;
    }
  }
}
