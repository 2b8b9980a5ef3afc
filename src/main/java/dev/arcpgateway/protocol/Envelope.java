package dev.arcpgateway.protocol;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A parsed inbound ARCP frame (§5): the envelope fields plus the payload object.
 *
 * <p>Unknown top-level fields are ignored. {@code x-vendor.*} message types that the sender marked
 * {@code extensions.optional: true} are dropped silently, as the TypeScript SDK does; any other unknown type is
 * an INVALID_REQUEST.
 *
 * @param id        the sender's message id (never empty)
 * @param type      the message type (aliases already resolved)
 * @param sessionId envelope {@code session_id}, or null
 * @param traceId   envelope {@code trace_id}, or null
 * @param jobId     envelope {@code job_id}, or null
 * @param payload    the payload object ({@code {}} when the frame had none)
 * @param extensions the top-level {@code extensions} object (TypeScript and Python SDKs), or null
 */
public record Envelope(String id, MessageType type, String sessionId, String traceId, String jobId,
                       JsonObject payload, JsonObject extensions) {

  public static final String VERSION = "1.1";

  /**
   * Parses one frame. An empty result means "ignore this frame"; a malformed frame throws an
   * {@link InvalidFrameException} that carries the frame's id when it could be read.
   */
  public static Optional<Envelope> parse(String text) {
    JsonObject json;
    try {
      Object decoded = io.vertx.core.json.Json.decodeValue(text);
      if (!(decoded instanceof JsonObject object)) {
        throw new InvalidFrameException(null, "a frame must be a JSON object");
      }
      json = object;
    } catch (DecodeException e) {
      throw new InvalidFrameException(null, "malformed JSON: " + firstLine(e.getMessage()));
    }
    return parse(json);
  }

  /** Parses an already decoded frame; see {@link #parse(String)}. */
  public static Optional<Envelope> parse(JsonObject json) {
    Object rawId = json.getValue("id");
    String id = rawId instanceof String s && !s.isEmpty() ? s : null;
    String rawType = json.getValue("type") instanceof String t ? t : null;
    String rawTrace = json.getValue("trace_id") instanceof String t ? t : null;
    try {
      if (!JsonNesting.writable(json, JsonNesting.MAX_INPUT_DEPTH)) {
        throw ArcpException.invalid("the frame nests deeper than " + JsonNesting.MAX_INPUT_DEPTH + " levels");
      }
      Object arcp = json.getValue("arcp");
      if (arcp == null) {
        throw ArcpException.invalid("arcp (protocol version) is required");
      }
      if (!VERSION.equals(arcp)) {
        throw ArcpException.invalid("unsupported ARCP version " + arcp + "; this runtime speaks " + VERSION);
      }
      if (id == null) {
        throw ArcpException.invalid("id must be a non-empty string");
      }
      String typeName = Fields.optString(json, "type");
      if (typeName == null) {
        throw ArcpException.invalid("type is required");
      }
      MessageType type = MessageType.fromWire(typeName);
      if (type == null) {
        if (typeName.startsWith("x-vendor.") && isOptional(json)) {
          return Optional.empty();
        }
        throw ArcpException.invalid("unknown message type " + typeName);
      }
      if (!type.fromClient()) {
        throw ArcpException.invalid(typeName + " is sent by runtimes, not clients");
      }
      JsonObject payload = Fields.optObject(json, "payload");
      return Optional.of(new Envelope(id, type,
          Fields.optString(json, "session_id"),
          Fields.optString(json, "trace_id"),
          Fields.optString(json, "job_id"),
          payload == null ? new JsonObject() : payload,
          json.getValue("extensions") instanceof JsonObject extensions ? extensions : null));
    } catch (InvalidFrameException e) {
      throw e;
    } catch (ArcpException e) {
      throw new InvalidFrameException(id, rawType, rawTrace, e.getMessage());
    }
  }

  /**
   * The extension {@code key}: at the envelope's top level (TypeScript, Python) or in
   * {@code payload.extensions} (the Java SDK's OpenTelemetry wrapper), or null.
   */
  public Object extension(String key) {
    if (extensions != null && extensions.containsKey(key)) {
      return extensions.getValue(key);
    }
    return Extensions.get(payload, key).orElse(null);
  }

  private static boolean isOptional(JsonObject json) {
    Object extensions = json.getValue("extensions");
    return extensions instanceof JsonObject ext && Boolean.TRUE.equals(ext.getValue("optional"));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /**
   * A frame that is not a valid ARCP envelope; {@link #requestId()} and {@link #type()} are its id and type
   * when they could be read.
   */
  public static final class InvalidFrameException extends ArcpException {
    private final String requestId;
    private final String type;
    private final String traceId;

    public InvalidFrameException(String requestId, String message) {
      this(requestId, null, null, message);
    }

    public InvalidFrameException(String requestId, String type, String traceId, String message) {
      super(ErrorCode.INVALID_REQUEST, message);
      this.requestId = requestId;
      this.type = type;
      this.traceId = traceId;
    }

    /** The offending frame's trace_id, or null. */
    public String traceId() {
      return traceId;
    }

    /** The offending frame's id, or null. */
    public String requestId() {
      return requestId;
    }

    /** The offending frame's type as sent, or null. */
    public String type() {
      return type;
    }
  }
}
