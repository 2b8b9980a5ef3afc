package dev.arcpgateway.cli;

import dev.arcpgateway.config.GatewayVersion;
import dev.arcpgateway.protocol.Envelope;
import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.protocol.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The shapes of the ARCP frames the client commands send and read. */
final class ClientFrames {

  private ClientFrames() {
  }

  /** The request id a refusal answers ({@code session.error} or a jobless {@code job.error}), else null. */
  static String refusedRequest(JsonObject frame) {
    String type = type(frame);
    if ("session.error".equals(type)) {
      JsonObject details = frame.getJsonObject("payload", new JsonObject()).getJsonObject("details");
      return details == null ? null : details.getString("request_id");
    }
    if ("job.error".equals(type) && frame.getValue("event_seq") == null) {
      return frame.getString("id");
    }
    return null;
  }

  /** {@code CODE: message} of an error frame. */
  static String describeError(JsonObject frame) {
    JsonObject payload = frame.getJsonObject("payload", new JsonObject());
    return payload.getString("code", "ERROR") + ": " + payload.getString("message", "");
  }

  static String type(JsonObject frame) {
    return frame.getString("type", "");
  }

  /** True when {@code frame} is the {@code answerType} frame answering request {@code requestId}. */
  static boolean answers(JsonObject frame, String answerType, String requestId) {
    return answerType.equals(type(frame))
        && requestId.equals(frame.getJsonObject("payload", new JsonObject()).getString("request_id"));
  }

  /** A {@code session.hello} offering every feature and bearer authentication. */
  static JsonObject hello(String clientName, String token) {
    JsonArray features = new JsonArray();
    Feature.ALL.forEach(features::add);
    return envelope("session.hello", new JsonObject()
        .put("client", new JsonObject().put("name", clientName).put("version", GatewayVersion.current()))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", token))
        .put("capabilities", new JsonObject().put("encodings", new JsonArray().add("json")).put("features", features)));
  }

  /** A new frame without a session (hello, resume); {@link ArcpClient#send} adds the session. */
  static JsonObject envelope(String type, JsonObject payload) {
    return new JsonObject().put("arcp", Envelope.VERSION).put("id", Ids.message()).put("type", type)
        .put("payload", payload);
  }
}
