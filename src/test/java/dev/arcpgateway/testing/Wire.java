package dev.arcpgateway.testing;

import dev.arcpgateway.protocol.Feature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
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

  private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A ULID (26 Crockford base32 characters: 48-bit time, 80 random bits), as the SDKs mint ids. */
  public static String ulid() {
    long time = System.currentTimeMillis();
    StringBuilder out = new StringBuilder(26);
    for (int i = 9; i >= 0; i--) {
      out.append(CROCKFORD.charAt((int) ((time >>> (5 * i)) & 31)));
    }
    for (int i = 0; i < 16; i++) {
      out.append(CROCKFORD.charAt(RANDOM.nextInt(32)));
    }
    return out.toString();
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

  /** {@code session.ping {nonce, sent_at}} (§6.4). */
  public static JsonObject ping(String sessionId, String nonce) {
    return frame("session.ping", sessionId, new JsonObject().put("nonce", nonce)
        .put("sent_at", Instant.now().toString()));
  }

  /** {@code session.close}, with {@code payload.reason} when {@code reason} is not null (§6.7). */
  public static JsonObject close(String sessionId, String reason) {
    JsonObject payload = new JsonObject();
    if (reason != null) {
      payload.put("reason", reason);
    }
    return frame("session.close", sessionId, payload);
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
