package dev.arcpgateway.agent;

import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * What a running job can see and do. Every method is non-blocking; the futures of the event methods complete
 * once the gateway has taken the event (they are delayed while the job's client is not keeping up), and fail
 * with INVALID_REQUEST when an event body breaks §8.2 or the job has already ended.
 */
public interface JobContext {

  String jobId();

  /** The resolved agent name. */
  String agentName();

  /** The resolved agent version. */
  String agentVersion();

  /** The principal that submitted the job. */
  String principal();

  /** The job's W3C trace id. */
  String traceId();

  /**
   * The W3C {@code traceparent} of the span this agent runs in (§11): what the agent's own outgoing calls
   * (tool servers, model APIs) carry so they join the job's trace. Its delegations carry it already.
   */
  String traceparent();

  /** The submitting job when this job was delegated, else null. */
  String parentJobId();

  /** The submitted {@code input}: any JSON value, or null. */
  Object input();

  /** The input when it is an object, else an empty object. */
  default JsonObject inputObject() {
    return input() instanceof JsonObject object ? object : new JsonObject();
  }

  /** The effective lease ({@code namespace → [patterns]}). */
  JsonObject lease();

  /** The lease constraints ({@code expires_at}), or an empty object. */
  JsonObject leaseConstraints();

  /** The submit's vendor extensions ({@code x-*} keys and {@code extensions}), or an empty object. */
  JsonObject extensions();

  Vertx vertx();

  /** A {@code log} event; {@code level} is one of trace, debug, info, warn, error, critical. */
  Future<Void> log(String level, String message);

  /** A {@code thought} event. */
  Future<Void> thought(String text);

  /** A {@code status} event; {@code message} may be null. */
  Future<Void> status(String phase, String message);

  /** A {@code progress} event; {@code total}, {@code units} and {@code message} may be null. */
  Future<Void> progress(long current, Long total, String units, String message);

  /** A {@code metric} event; {@code unit} and {@code dimensions} may be null. */
  Future<Void> metric(String name, Number value, String unit, JsonObject dimensions);

  /** A {@code tool_call} event. */
  Future<Void> toolCall(String tool, JsonObject args, String callId);

  /** A successful {@code tool_result} event. */
  Future<Void> toolResult(String callId, Object result);

  /** A failed {@code tool_result} event. */
  Future<Void> toolError(String callId, ArcpException error);

  /** An {@code artifact_ref} event; {@code byteSize} and {@code sha256} may be null. */
  Future<Void> artifactRef(String uri, String contentType, Long byteSize, String sha256);

  /** Any event kind, including vendor kinds ({@code x-vendor.*}); the body is validated as §8.2 says. */
  default Future<Void> emit(String kind, JsonObject body) {
    return emit(kind, body, null);
  }

  /**
   * {@link #emit(String, JsonObject)} with §15 extensions at the event payload level, beside {@code kind},
   * {@code ts} and {@code body}: {@code x-*} keys, and an {@code extensions} object; any other key is refused
   * with INVALID_REQUEST. Clients read them with {@code Extensions.get(payload, key)}.
   */
  Future<Void> emit(String kind, JsonObject body, JsonObject extensions);

  /** The job's chunked result; the same stream on every call. */
  ResultStream resultStream();

  /** True once the job was cancelled, timed out or otherwise ended from outside. */
  boolean isCancelled();

  /** Completes when the job is cancelled, times out, or otherwise ends from outside. */
  Future<Void> whenCancelled();

  /**
   * Asks whether this job may use {@code capability} ({@code fs.read}, {@code net.fetch}, {@code tool.call} …)
   * on {@code resource}, before doing it (§9.3). Fails with PERMISSION_DENIED, LEASE_EXPIRED or
   * BUDGET_EXHAUSTED when it may not.
   */
  Future<Void> authorize(String capability, String resource);

  /**
   * Calls a tool under the lease: emits {@code tool_call}, asks for {@code tool.call} on {@code tool}, runs
   * {@code invoke} only when allowed, and emits the {@code tool_result} — the error when refused or failed,
   * so the agent can handle it. The future carries the tool's result, or fails with the ARCP error.
   */
  Future<Object> callTool(String tool, JsonObject args, java.util.function.Function<JsonObject, Future<?>> invoke);

  /** Asks for {@code model.use} on {@code model} (§9.7) before invoking it. */
  Future<Void> useModel(String model);

  /**
   * Delegates to another agent (§10) under a subset of this job's lease: {@code leaseRequest} and
   * {@code leaseConstraints} may be null (no grants; the parent's expiry). The child is a real job with this one
   * as parent, visible to the submitting client; the future carries the child's result (its inline
   * {@code result}, or the whole {@code job.result} payload for a streamed one), or fails with the child's error,
   * or with LEASE_SUBSET_VIOLATION / PERMISSION_DENIED when the delegation itself is refused.
   */
  Future<Object> delegate(String agent, Object input, JsonObject leaseRequest, JsonObject leaseConstraints);

  /** The credentials provisioned for this job (§9.8), or an empty array. */
  io.vertx.core.json.JsonArray credentials();
}
