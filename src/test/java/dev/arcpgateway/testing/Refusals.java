package dev.arcpgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Assertions on the frames the gateway sends when it refuses something: inside a session (§5, wire-notes §9 and
 * §13.1) and before a welcome (§6.1, wire-notes §13 "Pre-welcome error").
 */
public final class Refusals {

  /** A well-formed session id that no session has. */
  public static final String NO_SESSION = "sess_00000000000000000000000000";

  /** WebSocket close code the gateway uses after a pre-welcome refusal (policy violation). */
  public static final short POLICY_VIOLATION = 1008;

  private Refusals() {
  }

  /**
   * A {@code session.error} with {@code code}, the session's id, {@code retryable: false}, a non-empty message and
   * {@code details.request_id} = {@code requestId} (or no {@code request_id} when {@code requestId} is null).
   */
  public static JsonObject assertSessionError(JsonObject frame, String code, String sessionId, String requestId) {
    assertEquals("session.error", frame.getString("type"), () -> "expected session.error, got " + frame.encode());
    assertEquals("1.1", frame.getString("arcp"), frame::encode);
    assertNotNull(frame.getString("id"), frame::encode);
    assertSessionId(frame, sessionId);
    assertFalse(frame.containsKey("job_id"), () -> "session.error carries no job_id: " + frame.encode());
    assertFalse(frame.containsKey("event_seq"), () -> "session.error carries no event_seq: " + frame.encode());
    JsonObject payload = frame.getJsonObject("payload");
    assertEquals(code, payload.getString("code"), frame::encode);
    assertEquals(Boolean.FALSE, payload.getBoolean("retryable"), frame::encode);
    assertFalse(payload.getString("message", "").isBlank(), () -> "the message must not be empty: " + frame.encode());
    JsonObject details = payload.getJsonObject("details");
    if (requestId != null) {
      assertNotNull(details, () -> "details.request_id expected: " + frame.encode());
      assertEquals(requestId, details.getString("request_id"), frame::encode);
    } else {
      assertTrue(details == null || !details.containsKey("request_id"),
          () -> "no request_id expected: " + frame.encode());
    }
    return frame;
  }

  /**
   * The Java client's carrier (wire-notes §9.2): a {@code job.error} whose envelope {@code id} is the refused
   * request's id, without {@code job_id} or {@code event_seq}, payload {@code final_status: "error"}.
   */
  public static JsonObject assertJoblessJobError(JsonObject frame, String code, String sessionId, String requestId) {
    assertEquals("job.error", frame.getString("type"), () -> "expected job.error, got " + frame.encode());
    assertEquals("1.1", frame.getString("arcp"), frame::encode);
    assertEquals(requestId, frame.getString("id"), () -> "the id must echo the request: " + frame.encode());
    assertSessionId(frame, sessionId);
    assertFalse(frame.containsKey("job_id"), () -> "jobless: no job_id expected: " + frame.encode());
    assertFalse(frame.containsKey("event_seq"), () -> "jobless: no event_seq expected: " + frame.encode());
    JsonObject payload = frame.getJsonObject("payload");
    assertEquals("error", payload.getString("final_status"), frame::encode);
    assertEquals(code, payload.getString("code"), frame::encode);
    assertEquals(Boolean.FALSE, payload.getBoolean("retryable"), frame::encode);
    assertFalse(payload.getString("message", "").isBlank(), frame::encode);
    return frame;
  }

  /** {@code session_id} is {@code sessionId}, or absent when {@code sessionId} is null (no session exists). */
  private static void assertSessionId(JsonObject frame, String sessionId) {
    if (sessionId == null) {
      assertFalse(frame.containsKey("session_id"), () -> "no session, so no session_id: " + frame.encode());
    } else {
      assertEquals(sessionId, frame.getString("session_id"), frame::encode);
    }
  }

  /**
   * The next frames answer a refused request inside {@code client}'s session: {@code session.error} then, when
   * the request had a readable id, the jobless {@code job.error} echoing it. Returns the session.error.
   */
  public static JsonObject assertRefused(WireClient client, String requestId, String code) {
    JsonObject error = assertSessionError(client.next(), code, client.sessionId(), requestId);
    if (requestId != null) {
      assertJoblessJobError(client.next(), code, client.sessionId(), requestId);
    }
    return error;
  }

  /**
   * The pre-welcome refusal: exactly {@code session.error} (no {@code session_id}) then the jobless
   * {@code job.error} with the same code echoing {@code helloId}, then the server closes with 1008.
   * When {@code helloId} is null (unreadable frame) the job.error's id is not checked. Returns the session.error.
   */
  public static JsonObject assertPreWelcomeRefusal(WireClient client, String helloId, String code) {
    short status = client.awaitClose();
    List<JsonObject> frames = client.drain();
    assertEquals(2, frames.size(), () -> "expected session.error + job.error, got " + frames);
    JsonObject error = assertSessionError(frames.get(0), code, null, helloId);
    JsonObject jobError = frames.get(1);
    if (helloId != null) {
      assertJoblessJobError(jobError, code, null, helloId);
    } else {
      assertInstanceOf(String.class, jobError.getValue("id"), jobError::encode);
      assertJoblessJobError(jobError, code, null, jobError.getString("id"));
    }
    assertEquals(POLICY_VIOLATION, status, "close code");
    assertEquals(0, client.binaryFramesReceived());
    return error;
  }

  /** The session still answers: a {@code session.ping} is answered by the very next frame, a matching pong. */
  public static void assertUsable(WireClient client) {
    String nonce = "p_" + Wire.nextId();
    client.send(Wire.ping(client.sessionId(), nonce));
    JsonObject pong = client.next();
    assertEquals("session.pong", pong.getString("type"), () -> "expected the pong, got " + pong.encode());
    assertEquals(nonce, pong.getJsonObject("payload").getString("ping_nonce"), pong::encode);
    assertEquals(client.sessionId(), pong.getString("session_id"), pong::encode);
    assertFalse(client.isClosed(), "the connection must stay open");
  }

  /** Nothing else arrives for a short while (a refusal sends no further frames). */
  public static void assertNothingMore(WireClient client) {
    client.expectSilence(Duration.ofMillis(150));
  }
}
