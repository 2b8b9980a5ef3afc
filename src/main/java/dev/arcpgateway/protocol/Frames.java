package dev.arcpgateway.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Builders for the frames the runtime sends. Every frame carries {@code arcp}, a fresh bare-ULID {@code id},
 * its {@code type} and {@code session_id}; job frames add {@code job_id}, {@code trace_id} and, for
 * {@code job.event}/{@code job.result}/{@code job.error}, {@code event_seq}.
 */
public final class Frames {

  private Frames() {
  }

  /** A frame of {@code type}; {@code sessionId} is null only for refusals before any session exists. */
  public static JsonObject frame(MessageType type, String sessionId, JsonObject payload) {
    JsonObject frame = new JsonObject()
        .put("arcp", Envelope.VERSION)
        .put("id", Ids.message())
        .put("type", type.wire());
    if (sessionId != null) {
      frame.put("session_id", sessionId);
    }
    return frame.put("payload", payload);
  }

  /** A job-scoped frame; {@code seq} ≤ 0 means the frame carries no {@code event_seq}. */
  public static JsonObject jobFrame(MessageType type, String sessionId, String jobId, String traceId, long seq,
                                    JsonObject payload) {
    JsonObject frame = new JsonObject()
        .put("arcp", Envelope.VERSION)
        .put("id", Ids.message())
        .put("type", type.wire())
        .put("session_id", sessionId)
        .put("job_id", jobId);
    if (traceId != null) {
      frame.put("trace_id", traceId);
    }
    if (seq > 0) {
      frame.put("event_seq", seq);
    }
    return frame.put("payload", payload);
  }

  /**
   * {@code session.error}, the carrier the TypeScript and Python clients read for request and session
   * failures; {@code details.request_id} names the offending request when there is one.
   */
  public static JsonObject sessionError(String sessionId, ArcpException error, String requestId) {
    JsonObject payload = error.toPayload();
    if (requestId != null) {
      JsonObject details = payload.getJsonObject("details", new JsonObject()).copy().put("request_id", requestId);
      payload.put("details", details);
    }
    return frame(MessageType.SESSION_ERROR, sessionId, payload);
  }

  /**
   * The Java SDK's request-error carrier: a {@code job.error} whose envelope {@code id} echoes the failed
   * request's id, with no {@code event_seq}; {@code jobId} is the request's target job, if any.
   */
  public static JsonObject requestError(String sessionId, String requestId, String jobId, String traceId,
                                        ArcpException error) {
    JsonObject frame = new JsonObject()
        .put("arcp", Envelope.VERSION)
        .put("id", requestId)
        .put("type", MessageType.JOB_ERROR.wire());
    if (sessionId != null) {
      frame.put("session_id", sessionId);
    }
    if (jobId != null) {
      frame.put("job_id", jobId);
    }
    if (traceId != null) {
      frame.put("trace_id", traceId);
    }
    return frame.put("payload", errorPayload("error", error));
  }

  /**
   * A {@code job.error} payload: the §12 error plus {@code final_status} and {@code completed_at} (the Python
   * client requires it on every {@code job.error}, request refusals included).
   */
  public static JsonObject errorPayload(String finalStatus, ArcpException error) {
    return error.toPayload().put("final_status", finalStatus).put("completed_at", Timestamps.now());
  }
}
