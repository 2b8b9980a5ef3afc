package dev.arcpgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** Small readers and assertions over server frames, shared by the job conformance tests. */
public final class JobFrames {

  private static final Pattern STRICT_UTC =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  private JobFrames() {
  }

  public static String type(JsonObject frame) {
    return frame.getString("type");
  }

  public static JsonObject payload(JsonObject frame) {
    return frame.getJsonObject("payload");
  }

  public static boolean hasSeq(JsonObject frame) {
    return frame.containsKey("event_seq");
  }

  /** The {@code job.event} frames of {@code kind}, in order. */
  public static List<JsonObject> events(List<JsonObject> frames, String kind) {
    return frames.stream().filter(f -> "job.event".equals(type(f)))
        .filter(f -> kind.equals(payload(f).getString("kind"))).toList();
  }

  /** The frames of {@code type}, in order. */
  public static List<JsonObject> ofType(List<JsonObject> frames, String type) {
    return frames.stream().filter(f -> type.equals(type(f))).toList();
  }

  /** One session's frames: those with an {@code event_seq} are numbered 1, 2, 3, … with no gap (§8.3). */
  public static void assertGapFree(List<JsonObject> frames) {
    long previous = 0;
    for (JsonObject frame : frames) {
      if (frame.containsKey("event_seq")) {
        assertEquals(previous + 1, frame.getLong("event_seq"), "gap-free: " + frame.encode());
        previous = frame.getLong("event_seq");
      }
    }
  }

  /** The last frame of the list. */
  public static JsonObject last(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  /** An ISO 8601 UTC timestamp with a literal {@code Z}; returns it parsed. */
  public static Instant assertStrictUtc(String value) {
    assertTrue(value != null && STRICT_UTC.matcher(value).matches(), "not a strict UTC timestamp: " + value);
    return Instant.parse(value);
  }

  /** A W3C trace-id: 32 lowercase hex digits, not all zero. */
  public static void assertTraceId(String value) {
    assertTrue(value != null && TRACE_ID.matcher(value).matches(), "not a W3C trace-id: " + value);
    assertFalse(value.chars().allMatch(c -> c == '0'), "all-zero trace-id");
  }

  /**
   * Asserts the two frames of a rejected {@code job.submit} (wire-notes §13.1), in order: the jobless
   * {@code job.error} echoing the submit's id, then the {@code job.error} with a placeholder job id, the submit's
   * trace id and an {@code event_seq}. Returns the second frame.
   */
  public static JsonObject assertRejectedSubmit(WireClient client, JsonObject submit, String code) {
    JsonObject jobless = client.next();
    assertEquals("job.error", type(jobless), jobless.encode());
    assertEquals(submit.getString("id"), jobless.getString("id"), "jobless job.error echoes the submit id");
    assertFalse(jobless.containsKey("job_id"), "jobless job.error has no job_id: " + jobless.encode());
    assertFalse(hasSeq(jobless), "jobless job.error has no event_seq: " + jobless.encode());
    assertEquals(client.sessionId(), jobless.getString("session_id"));
    assertErrorPayload(payload(jobless), "error", code);

    JsonObject placeholder = client.next();
    assertEquals("job.error", type(placeholder), placeholder.encode());
    assertTrue(placeholder.getString("job_id", "").startsWith("job_"), "placeholder job_id: " + placeholder.encode());
    assertEquals(submit.getString("trace_id"), placeholder.getString("trace_id"), "the submit's trace_id");
    assertTrue(placeholder.getValue("event_seq") instanceof Number, "event_seq on the placeholder job.error");
    assertEquals(client.sessionId(), placeholder.getString("session_id"));
    assertErrorPayload(payload(placeholder), "error", code);
    return placeholder;
  }

  /** A terminal frame's payload without its {@code completed_at}, which must be there. */
  public static JsonObject terminalPayload(JsonObject frame) {
    JsonObject payload = payload(frame).copy();
    assertCompletedAt(payload);
    payload.remove("completed_at");
    return payload;
  }

  /** A terminal payload's {@code completed_at}: a UTC ISO 8601 instant (the Python client requires it). */
  public static void assertCompletedAt(JsonObject payload) {
    assertTrue(payload.getValue("completed_at") instanceof String, "completed_at: " + payload.encode());
    assertStrictUtc(payload.getString("completed_at"));
  }

  /** {@code {final_status, code, message, retryable, details?, completed_at}} with the §12 retryable rules. */
  public static void assertErrorPayload(JsonObject payload, String finalStatus, String code) {
    assertEquals(finalStatus, payload.getString("final_status"), payload.encode());
    assertEquals(code, payload.getString("code"), payload.encode());
    assertTrue(payload.getValue("message") instanceof String m && !m.isEmpty(), "message: " + payload.encode());
    assertTrue(payload.getValue("retryable") instanceof Boolean, "retryable: " + payload.encode());
    assertCompletedAt(payload);
    for (String key : payload.fieldNames()) {
      assertTrue(List.of("final_status", "code", "message", "retryable", "details", "completed_at").contains(key),
          "unexpected error payload key " + key + ": " + payload.encode());
    }
  }
}
