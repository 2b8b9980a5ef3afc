package dev.arcpgateway.testing;

import dev.arcpgateway.protocol.Feature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Client frames as a spec-conformant client writes them. Ids are readable ({@code t-1}, {@code t-2} …). */
public final class Wire {

  private static final AtomicLong IDS = new AtomicLong();

  private Wire() {
  }

  public static String nextId() {
    return "01TEST" + String.format("%020d", IDS.incrementAndGet());
  }

  public static JsonObject frame(String type, String sessionId, JsonObject payload) {
    JsonObject frame = new JsonObject().put("arcp", "1.1").put("id", nextId()).put("type", type);
    if (sessionId != null) {
      frame.put("session_id", sessionId);
    }
    return frame.put("payload", payload);
  }

  public static JsonObject hello(String token) {
    return hello(token, Feature.ALL);
  }

  public static JsonObject hello(String token, List<String> features) {
    return frame("session.hello", null, new JsonObject()
        .put("client", new JsonObject().put("name", "wire-test").put("version", "1.0.0"))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", token))
        .put("capabilities", new JsonObject().put("encodings", new JsonArray().add("json"))
            .put("features", new JsonArray(List.copyOf(features)))));
  }

  public static JsonObject submit(String sessionId, String agent, Object input) {
    return frame("job.submit", sessionId, new JsonObject().put("agent", agent).put("input", input));
  }

  /** {@code job.submit} with exactly {@code payload}. */
  public static JsonObject submit(String sessionId, JsonObject payload) {
    return frame("job.submit", sessionId, payload);
  }

  /** Every v1.1 feature flag except {@code without}. */
  public static List<String> featuresWithout(String... without) {
    List<String> features = new java.util.ArrayList<>(Feature.ALL);
    features.removeAll(List.of(without));
    return features;
  }

  public static JsonObject cancel(String sessionId, String jobId, String reason) {
    JsonObject payload = new JsonObject();
    if (reason != null) {
      payload.put("reason", reason);
    }
    return frame("job.cancel", sessionId, payload).put("job_id", jobId);
  }
}
