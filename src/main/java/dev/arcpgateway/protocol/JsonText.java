package dev.arcpgateway.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * Agent output encoded once. The job runner encodes each payload here — which is also the check that it can be
 * written at all: no deeper than {@link JsonNesting#MAX_OUTPUT_DEPTH} in its frame, only JSON values — and the
 * text is shared by the event log and every session that writes the frame, which splices it in with
 * {@link #jobFrame} instead of encoding the payload again.
 */
public final class JsonText {

  /** Vert.x's own encoding rules (instants, bytes, buffers), with the output depth cap. */
  private static final int PAYLOAD_DEPTH = JsonNesting.MAX_OUTPUT_DEPTH - 1; // nested one level in its frame
  private static final JsonFactory OUTPUT = JsonFactory.builder()
      .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(PAYLOAD_DEPTH).build())
      .build();

  private static final String FRAME_START = "{\"arcp\":" + quoted(new StringBuilder(), Envelope.VERSION) + ",\"id\":\"";

  private JsonText() {
  }

  /**
   * The payload's JSON text, or null when it nests too deeply or holds a value that is not JSON. What agents
   * send is nearly always objects, arrays, strings, whole numbers, booleans and nulls: those are written here
   * directly. A payload holding anything else (a double, an instant, bytes …), or nesting past the cap, is written
   * by Jackson with Vert.x's rules, which also decide what cannot be written.
   */
  public static String payload(Object payload) {
    StringBuilder plain = new StringBuilder(128);
    return writePlain(payload, plain, 0) ? plain.toString() : withJackson(payload);
  }

  /** Writes {@code value} at nesting {@code depth}; false when it holds what only Jackson writes (or refuses). */
  private static boolean writePlain(Object value, StringBuilder out, int depth) {
    if (value instanceof String text) {
      quoted(out, text);
      return true;
    }
    if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
      return true;
    }
    Object container = value instanceof JsonObject object ? object.getMap()
        : value instanceof JsonArray array ? array.getList() : value;
    if (!(container instanceof Map<?, ?>) && !(container instanceof List<?>) || depth + 1 > PAYLOAD_DEPTH) {
      return false;
    }
    boolean first = true;
    if (container instanceof Map<?, ?> map) {
      out.append('{');
      for (Map.Entry<?, ?> field : map.entrySet()) {
        if (!(field.getKey() instanceof String key)) {
          return false;
        }
        if (!first) {
          out.append(',');
        }
        first = false;
        quoted(out, key).append(':');
        if (!writePlain(field.getValue(), out, depth + 1)) {
          return false;
        }
      }
      out.append('}');
      return true;
    }
    out.append('[');
    for (Object item : (List<?>) container) {
      if (!first) {
        out.append(',');
      }
      first = false;
      if (!writePlain(item, out, depth + 1)) {
        return false;
      }
    }
    out.append(']');
    return true;
  }

  private static String withJackson(Object payload) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator generator = OUTPUT.createGenerator(out)) {
      JacksonCodec.encodeJson(payload, generator);
    } catch (EncodeException | IOException | IllegalStateException | ClassCastException unwritable) {
      return null; // ClassCastException: a map whose keys are not strings
    }
    return out.toString();
  }

  /**
   * The text of {@link Frames#jobFrame} for an already encoded payload: the same fields in the same order, the
   * payload written as it is. Built as plain text, without a generator: it is written once per frame a session
   * sends, and its strings are the gateway's own ids (escaped all the same when they need it).
   */
  public static String jobFrame(MessageType type, String sessionId, String jobId, String traceId, long seq,
                                String payloadJson) {
    return jobFrame(jobFrameFields(type, sessionId, jobId, traceId), seq, payloadJson);
  }

  /**
   * The fields of a job frame that stay the same from one frame to the next of a job in a session ({@code type}
   * to {@code trace_id}), for {@link #jobFrame(String, long, String)}: a session writes them once per job, not
   * once per event.
   */
  public static String jobFrameFields(MessageType type, String sessionId, String jobId, String traceId) {
    StringBuilder out = new StringBuilder(160).append("\"type\":");
    quoted(out, type.wire()).append(",\"session_id\":");
    quoted(out, sessionId).append(",\"job_id\":");
    quoted(out, jobId);
    if (traceId != null) {
      quoted(out.append(",\"trace_id\":"), traceId);
    }
    return out.toString();
  }

  /** A job frame of {@link #jobFrameFields}, with a new message id, {@code event_seq} when positive, the payload. */
  public static String jobFrame(String fields, long seq, String payloadJson) {
    StringBuilder out = new StringBuilder(payloadJson.length() + fields.length() + 80).append(FRAME_START)
        .append(Ids.message()).append("\",").append(fields); // a ULID: nothing to escape
    if (seq > 0) {
      out.append(",\"event_seq\":").append(seq);
    }
    return out.append(",\"payload\":").append(payloadJson).append('}').toString();
  }

  /** Appends {@code value} as a JSON string. */
  private static StringBuilder quoted(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        return out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(value)).append('"');
      }
    }
    return out.append('"').append(value).append('"');
  }

  /**
   * A logged frame as text ({@link JobFrame#toJson}) with its payload written once: as the job runner encoded it,
   * or encoded now.
   */
  public static String loggedFrame(JobFrame frame) {
    StringBuilder out = new StringBuilder(frame.payloadText().length() + 128).append("{\"type\":");
    quoted(out, frame.type().wire()).append(",\"job_id\":");
    quoted(out, frame.jobId());
    if (frame.traceId() != null) {
      quoted(out.append(",\"trace_id\":"), frame.traceId());
    }
    if (frame.index() > 0) {
      out.append(",\"index\":").append(frame.index());
    }
    if (frame.lifecycle()) {
      out.append(",\"lifecycle\":true");
    }
    return out.append(",\"payload\":").append(frame.payloadText()).append('}').toString();
  }
}
