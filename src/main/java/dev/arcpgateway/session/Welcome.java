package dev.arcpgateway.session;

import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Set;

/** Builds {@code session.welcome} (§6.2) in the form every SDK client can read (wire-notes §13). */
final class Welcome {

  private Welcome() {
  }

  /**
   * The welcome frame: {@code session_id} in the envelope and the payload (the Python client reads the
   * payload), the rotated resume token, both intervals, the effective features and the rich agent inventory.
   */
  static JsonObject frame(GatewayOptions options, String sessionId, String resumeToken, Set<String> features,
                          JsonArray agents) {
    JsonObject payload = new JsonObject()
        .put("runtime", new JsonObject().put("name", options.runtimeName()).put("version", options.runtimeVersion()))
        .put("session_id", sessionId)
        .put("resume_token", resumeToken)
        .put("resume_window_sec", options.resumeWindowSec())
        .put("heartbeat_interval_sec", options.heartbeatIntervalSec())
        .put("capabilities", new JsonObject()
            .put("encodings", new JsonArray().add("json"))
            .put("features", new JsonArray(new ArrayList<>(features)))
            .put("agents", agents))
        .put("accepted_at", Timestamps.now());
    return Frames.frame(MessageType.SESSION_WELCOME, sessionId, payload);
  }
}
