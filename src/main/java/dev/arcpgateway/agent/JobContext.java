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
  Future<Void> emit(String kind, JsonObject body);

  /** The job's chunked result; the same stream on every call. */
  ResultStream resultStream();

  /** True once the job was cancelled, timed out or otherwise ended from outside. */
  boolean isCancelled();

  /** Completes when the job is cancelled, times out, or otherwise ends from outside. */
  Future<Void> whenCancelled();

  /**
   * Asks whether this job may use {@code capability} ({@code fs.read}, {@code net.fetch}, {@code tool.call} …)
   * on {@code resource}. Fails with PERMISSION_DENIED, LEASE_EXPIRED or BUDGET_EXHAUSTED when it may not.
   */
  Future<Void> authorize(String capability, String resource);
}
