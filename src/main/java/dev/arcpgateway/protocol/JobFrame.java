package dev.arcpgateway.protocol;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One frame of a job as its job runner emits it, before any session numbers it: what the runner sends to each
 * session observing the job and what the job's event log keeps. Between verticles of one node it is passed by
 * reference and never changed once sent; across nodes, and in a durable log, it travels as {@link #toJson}.
 *
 * @param type        {@code job.event}, {@code job.result}, {@code job.error}, or a frame only the submitter sees
 * @param jobId       the job
 * @param traceId     the job's trace id, or null
 * @param index       the frame's place in the job's log (from 1), or 0 for a frame the log does not keep
 * @param payload     the payload
 * @param payloadJson the payload's text as the job runner encoded it ({@link JsonText#payload}), or null when
 *                    whoever writes the frame encodes it
 * @param lifecycle   a lifecycle {@code status} event, written only by sessions that negotiated
 *                    {@link Feature#LIFECYCLE}
 */
public record JobFrame(MessageType type, String jobId, String traceId, long index, JsonObject payload,
                       String payloadJson, boolean lifecycle) {

  public JobFrame {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(payload, "payload");
  }

  /** A frame the log does not keep, its payload encoded by whoever writes it. */
  public static JobFrame unlogged(MessageType type, String jobId, String traceId, JsonObject payload) {
    return new JobFrame(type, jobId, traceId, 0, payload, null, false);
  }

  /** The event's kind ({@code log}, {@code progress} …), or null for a frame that is not an event. */
  public String kind() {
    return payload.getValue("kind") instanceof String kind ? kind : null;
  }

  /** The payload's text: the runner's, or encoded now. */
  public String payloadText() {
    return payloadJson != null ? payloadJson : payload.encode();
  }

  /** The same frame with another payload (a reassembled result), to be encoded when written. */
  public JobFrame withPayload(MessageType newType, JsonObject newPayload) {
    return new JobFrame(newType, jobId, traceId, index, newPayload, null, lifecycle);
  }

  /** {@code {"type", "job_id", "trace_id"?, "index"?, "lifecycle"?, "payload"}}, read back by {@link #fromJson}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type.wire()).put("job_id", jobId);
    if (traceId != null) {
      json.put("trace_id", traceId);
    }
    if (index > 0) {
      json.put("index", index);
    }
    if (lifecycle) {
      json.put("lifecycle", true);
    }
    return json.put("payload", payload);
  }

  /**
   * A frame from {@link #toJson}, or from the logs of earlier versions, which also held {@code "op": "job"}.
   *
   * @throws IllegalArgumentException when it has no known type, job id or payload object
   */
  public static JobFrame fromJson(JsonObject json) {
    MessageType type = json.getValue("type") instanceof String wire ? MessageType.fromWire(wire) : null;
    if (type == null || !(json.getValue("job_id") instanceof String jobId)
        || !(json.getValue("payload") instanceof JsonObject payload)) {
      throw new IllegalArgumentException("not a job frame: " + json.fieldNames());
    }
    return new JobFrame(type, jobId, json.getString("trace_id"), json.getLong("index", 0L), payload, null,
        Boolean.TRUE.equals(json.getValue("lifecycle")));
  }
}
