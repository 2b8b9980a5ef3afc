package dev.arcpgateway.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Agent output encoded once. The job runner encodes each payload here — which is also the check that it can be
 * written at all: no deeper than {@link JsonNesting#MAX_OUTPUT_DEPTH} in its frame, only JSON values — and the
 * text is shared by the event log and every session that writes the frame, which splices it in with
 * {@link #jobFrame} instead of encoding the payload again.
 */
public final class JsonText {

  /** Vert.x's own encoding rules (instants, bytes, buffers), with the output depth cap. */
  private static final JsonFactory OUTPUT = JsonFactory.builder()
      .streamWriteConstraints(StreamWriteConstraints.builder()
          .maxNestingDepth(JsonNesting.MAX_OUTPUT_DEPTH - 1) // the payload is nested one level in its frame
          .build())
      .build();

  private JsonText() {
  }

  /** The payload's JSON text, or null when it nests too deeply or holds a value that is not JSON. */
  public static String payload(Object payload) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator generator = OUTPUT.createGenerator(out)) {
      JacksonCodec.encodeJson(payload, generator);
    } catch (EncodeException | IOException | IllegalStateException unwritable) {
      return null;
    }
    return out.toString();
  }

  /**
   * The text of {@link Frames#jobFrame} for an already encoded payload: the same fields in the same order, the
   * payload written as it is.
   */
  public static String jobFrame(MessageType type, String sessionId, String jobId, String traceId, long seq,
                                String payloadJson) {
    StringWriter out = new StringWriter(payloadJson.length() + 192);
    try (JsonGenerator generator = OUTPUT.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringField("arcp", Envelope.VERSION);
      generator.writeStringField("id", Ids.message());
      generator.writeStringField("type", type.wire());
      generator.writeStringField("session_id", sessionId);
      generator.writeStringField("job_id", jobId);
      if (traceId != null) {
        generator.writeStringField("trace_id", traceId);
      }
      if (seq > 0) {
        generator.writeNumberField("event_seq", seq);
      }
      generator.writeFieldName("payload");
      generator.writeRawValue(payloadJson);
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  /**
   * A logged frame as text with its payload written once: the frame's other fields encoded, the payload's text
   * (the job runner's {@link Frames#PAYLOAD_JSON}, or encoded here) spliced in as {@code payload}. Reading it back
   * gives the frame without the {@link Frames#PAYLOAD_JSON} copy.
   */
  public static String loggedFrame(JsonObject frame) {
    String head = head(frame);
    String payload = payloadOf(frame);
    return (head.length() == 2 ? "{" : head.substring(0, head.length() - 1) + ",") + "\"payload\":" + payload + "}";
  }

  /** The frame's fields but its payload and the payload's text, encoded. */
  public static String head(JsonObject frame) {
    JsonObject head = new JsonObject();
    for (Map.Entry<String, Object> field : frame) {
      if (!field.getKey().equals("payload") && !field.getKey().equals(Frames.PAYLOAD_JSON)) {
        head.put(field.getKey(), field.getValue());
      }
    }
    return head.encode();
  }

  /** The text of the frame's payload: the one the job runner encoded, or encoded now. */
  public static String payloadOf(JsonObject frame) {
    String payloadJson = frame.getString(Frames.PAYLOAD_JSON);
    return payloadJson != null ? payloadJson : Json.encode(frame.getValue("payload"));
  }
}
