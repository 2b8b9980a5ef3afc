package dev.arcpgateway.testing;

import dev.arcpgateway.protocol.Feature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Client frames for session continuity (§6.3–§6.6, §7.6) exactly as the SDKs write them, and small helpers to
 * resume a session on a new connection. Kept apart from {@link Wire} so that other test branches can extend that
 * one freely.
 */
public final class Continuity {

  private Continuity() {
  }

  /** The three ways a client asks to continue a session (wire-notes §4.1, §13). */
  public enum ResumeForm {
    /** A {@code session.resume} frame {@code {session_id, resume_token, last_event_seq}}, no auth (spec §6.3). */
    SESSION_RESUME,
    /** {@code session.hello} with {@code payload.resume {session_id, resume_token, last_event_seq}} (TS, Py). */
    HELLO_NESTED,
    /** {@code session.hello} with flat {@code payload.resume_token} + {@code last_event_seq} (Java SDK). */
    HELLO_FLAT
  }

  /** The resume frame of {@code form} for {@code principalToken}'s session, asking for every feature. */
  public static JsonObject resume(ResumeForm form, String principalToken, String sessionId, String resumeToken,
                                  long lastEventSeq) {
    return resume(form, principalToken, sessionId, resumeToken, lastEventSeq, Feature.ALL);
  }

  /**
   * The resume frame of {@code form}; the hello forms ask for {@code features} (a {@code session.resume} frame
   * carries none and keeps the session's set).
   */
  public static JsonObject resume(ResumeForm form, String principalToken, String sessionId, String resumeToken,
                                  long lastEventSeq, List<String> features) {
    return switch (form) {
      case SESSION_RESUME -> sessionResume(sessionId, resumeToken, lastEventSeq);
      case HELLO_NESTED -> helloResume(principalToken, sessionId, resumeToken, lastEventSeq, features);
      case HELLO_FLAT -> helloFlatResume(principalToken, resumeToken, lastEventSeq, features);
    };
  }

  /** {@code session.resume} without auth: the token alone proves the session. */
  public static JsonObject sessionResume(String sessionId, String resumeToken, long lastEventSeq) {
    return Wire.frame("session.resume", null, new JsonObject()
        .put("session_id", sessionId)
        .put("resume_token", resumeToken)
        .put("last_event_seq", lastEventSeq));
  }

  public static JsonObject helloResume(String principalToken, String sessionId, String resumeToken,
                                       long lastEventSeq) {
    return helloResume(principalToken, sessionId, resumeToken, lastEventSeq, Feature.ALL);
  }

  public static JsonObject helloResume(String principalToken, String sessionId, String resumeToken,
                                       long lastEventSeq, List<String> features) {
    JsonObject hello = Wire.hello(principalToken, features);
    hello.getJsonObject("payload").put("resume", new JsonObject()
        .put("session_id", sessionId)
        .put("resume_token", resumeToken)
        .put("last_event_seq", lastEventSeq));
    return hello;
  }

  public static JsonObject helloFlatResume(String principalToken, String resumeToken, long lastEventSeq) {
    return helloFlatResume(principalToken, resumeToken, lastEventSeq, Feature.ALL);
  }

  public static JsonObject helloFlatResume(String principalToken, String resumeToken, long lastEventSeq,
                                           List<String> features) {
    JsonObject hello = Wire.hello(principalToken, features);
    hello.getJsonObject("payload").put("resume_token", resumeToken).put("last_event_seq", lastEventSeq);
    return hello;
  }

  public static JsonObject ack(String sessionId, long lastProcessedSeq) {
    return Wire.frame("session.ack", sessionId, new JsonObject().put("last_processed_seq", lastProcessedSeq));
  }

  public static JsonObject ping(String sessionId, String nonce) {
    return Wire.frame("session.ping", sessionId, new JsonObject().put("nonce", nonce)
        .put("sent_at", java.time.Instant.now().toString()));
  }

  public static JsonObject pong(String sessionId, String pingNonce) {
    return Wire.frame("session.pong", sessionId, new JsonObject().put("ping_nonce", pingNonce)
        .put("received_at", java.time.Instant.now().toString()));
  }

  public static JsonObject listJobs(String sessionId, JsonObject payload) {
    return Wire.frame("session.list_jobs", sessionId, payload);
  }

  public static JsonObject subscribe(String sessionId, String jobId, Boolean history, Long fromEventSeq) {
    JsonObject payload = new JsonObject().put("job_id", jobId);
    if (fromEventSeq != null) {
      payload.put("from_event_seq", fromEventSeq);
    }
    if (history != null) {
      payload.put("history", history);
    }
    return Wire.frame("job.subscribe", sessionId, payload);
  }

  public static JsonObject unsubscribe(String sessionId, String jobId) {
    return Wire.frame("job.unsubscribe", sessionId, new JsonObject().put("job_id", jobId));
  }

  public static JsonObject close(String sessionId, String reason) {
    return Wire.frame("session.close", sessionId, new JsonObject().put("reason", reason));
  }

  /** Every feature but {@code without}. */
  public static List<String> featuresWithout(String... without) {
    List<String> features = new ArrayList<>(Feature.ALL);
    features.removeAll(List.of(without));
    return features;
  }

  /** A client that says hello as {@code token} with exactly {@code features}; the welcome is consumed. */
  public static WireClient session(TestGateway gateway, String token, List<String> features) {
    WireClient client = gateway.connect();
    client.send(Wire.hello(token, features));
    client.welcomed(client.expect("session.welcome"));
    return client;
  }

  /** The resume token of the client's latest welcome. */
  public static String resumeToken(WireClient client) {
    return client.welcome().getJsonObject("payload").getString("resume_token");
  }

  /**
   * Opens a new connection, sends {@code resumeFrame} and expects the welcome (recorded on the new client). The
   * old client is not touched.
   */
  public static WireClient resumeOn(TestGateway gateway, JsonObject resumeFrame) {
    WireClient client = gateway.connect();
    client.send(resumeFrame);
    client.welcomed(client.expect("session.welcome"));
    return client;
  }

  /** The event_seq of a frame, or -1 when it carries none. */
  public static long seq(JsonObject frame) {
    Long seq = frame.getLong("event_seq");
    return seq == null ? -1 : seq;
  }

  public static boolean isType(JsonObject frame, String type) {
    return type.equals(frame.getString("type"));
  }

  /** The error code of a {@code session.error} or {@code job.error}. */
  public static String code(JsonObject frame) {
    return frame.getJsonObject("payload", new JsonObject()).getString("code");
  }

  /** A {@code log} message, or null. */
  public static String logMessage(JsonObject frame) {
    JsonObject payload = frame.getJsonObject("payload", new JsonObject());
    if (!"job.event".equals(frame.getString("type")) || !"log".equals(payload.getString("kind"))) {
      return null;
    }
    return payload.getJsonObject("body").getString("message");
  }

  /** The first number of a chatty log message ({@code "event 17 xxx"} → 17), or -1. */
  public static int chattyIndex(JsonObject frame) {
    String message = logMessage(frame);
    if (message == null || !message.startsWith("event ")) {
      return -1;
    }
    int end = message.indexOf(' ', 6);
    return Integer.parseInt(message.substring(6, end < 0 ? message.length() : end));
  }

  /** The number of a gate log message ({@code "step 17 xxx"} → 17), or -1. */
  public static int gateIndex(JsonObject frame) {
    String message = logMessage(frame);
    if (message == null || !message.startsWith("step ")) {
      return -1;
    }
    int end = message.indexOf(' ', 5);
    return Integer.parseInt(message.substring(5, end < 0 ? message.length() : end));
  }

  /**
   * Every frame still to come on a connection the gateway is closing, up to the close; fails when nothing arrives
   * for {@code wait} and the connection is still open.
   */
  public static List<JsonObject> drainUntilClosed(WireClient client, Duration wait) {
    List<JsonObject> frames = new ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        frames.add(client.next(Duration.ofMillis(100)));
        deadline = System.nanoTime() + wait.toNanos();
      } catch (AssertionError none) {
        if (client.isClosed()) {
          try {
            while (true) {
              frames.add(client.next(Duration.ofMillis(50))); // frames are queued before the close is seen
            }
          } catch (AssertionError drained) {
            return frames;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("connection neither closed nor sent anything within " + wait);
        }
      }
    }
  }

  public static JsonArray strings(String... values) {
    JsonArray array = new JsonArray();
    for (String value : values) {
      array.add(value);
    }
    return array;
  }

  /**
   * Asserts the pre-welcome refusal sequence (wire-notes §13): {@code session.error} with {@code code} and no
   * {@code session_id} (neither a placeholder nor {@code realSessionId}), then a jobless {@code job.error} echoing
   * {@code requestId} with the same code, then the close with 1008. Returns the {@code session.error}.
   */
  public static JsonObject assertRefusedBeforeWelcome(WireClient client, String requestId, String code,
                                                      String realSessionId) {
    JsonObject error = client.next();
    org.junit.jupiter.api.Assertions.assertEquals("session.error", error.getString("type"),
        "first frame of a refusal: " + error.encode());
    org.junit.jupiter.api.Assertions.assertEquals(code, code(error), error.encode());
    org.junit.jupiter.api.Assertions.assertFalse(error.containsKey("session_id"),
        "a refused hello names no session, neither a placeholder nor the real one: " + error.encode());
    JsonObject jobError = client.next();
    org.junit.jupiter.api.Assertions.assertEquals("job.error", jobError.getString("type"), jobError.encode());
    org.junit.jupiter.api.Assertions.assertEquals(requestId, jobError.getString("id"),
        "the jobless job.error echoes the request id: " + jobError.encode());
    org.junit.jupiter.api.Assertions.assertNull(jobError.getString("job_id"), jobError.encode());
    org.junit.jupiter.api.Assertions.assertNull(jobError.getValue("event_seq"), jobError.encode());
    org.junit.jupiter.api.Assertions.assertEquals(code, code(jobError), jobError.encode());
    if (realSessionId != null) {
      org.junit.jupiter.api.Assertions.assertFalse(
          error.encode().contains(realSessionId) || jobError.encode().contains(realSessionId),
          "a refused connection must not be told the real session id");
    }
    org.junit.jupiter.api.Assertions.assertEquals(1008, client.awaitClose(), "close code of a refusal");
    return error;
  }

  /**
   * Asserts the in-session refusal of a request: {@code session.error} with {@code code} and
   * {@code details.request_id}, then the jobless {@code job.error} whose id echoes {@code requestId}.
   * Returns the {@code session.error}.
   */
  public static JsonObject assertRequestRefused(WireClient client, String requestId, String code) {
    JsonObject error = client.next();
    org.junit.jupiter.api.Assertions.assertEquals("session.error", error.getString("type"), error.encode());
    org.junit.jupiter.api.Assertions.assertEquals(code, code(error), error.encode());
    org.junit.jupiter.api.Assertions.assertEquals(requestId,
        error.getJsonObject("payload").getJsonObject("details", new JsonObject()).getString("request_id"),
        error.encode());
    JsonObject jobError = client.next();
    org.junit.jupiter.api.Assertions.assertEquals("job.error", jobError.getString("type"), jobError.encode());
    org.junit.jupiter.api.Assertions.assertEquals(requestId, jobError.getString("id"), jobError.encode());
    org.junit.jupiter.api.Assertions.assertNull(jobError.getValue("event_seq"), jobError.encode());
    org.junit.jupiter.api.Assertions.assertEquals(code, code(jobError), jobError.encode());
    return error;
  }
}
