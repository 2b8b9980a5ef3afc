package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** {@link EventBodies}: per-kind validation of {@code job.event} bodies (§8.2). */
class EventBodiesTest {

  private static JsonObject valid(String kind, String json) {
    JsonObject body = new JsonObject(json);
    JsonObject out = EventBodies.validate(kind, body);
    assertSame(body, out, "the same object is returned");
    return out;
  }

  private static void invalid(String kind, String json) {
    ArcpException e = assertThrows(ArcpException.class,
        () -> EventBodies.validate(kind, json == null ? null : new JsonObject(json)), kind + " " + json);
    assertEquals(ErrorCode.INVALID_REQUEST, e.code(), kind + " " + json);
  }

  @Test
  void log() {
    for (String level : List.of("trace", "debug", "info", "warn", "error", "critical")) {
      valid("log", "{\"level\":\"" + level + "\",\"message\":\"hi\"}");
    }
    invalid("log", "{\"level\":\"INFO\",\"message\":\"hi\"}");
    invalid("log", "{\"level\":\"fatal\",\"message\":\"hi\"}");
    invalid("log", "{\"message\":\"hi\"}");
    invalid("log", "{\"level\":\"info\"}");
    invalid("log", "{\"level\":\"info\",\"message\":5}");
  }

  @Test
  void thought() {
    valid("thought", "{\"text\":\"hmm\"}");
    invalid("thought", "{}");
    invalid("thought", "{\"text\":[\"a\"]}");
  }

  @Test
  void toolCallDefaultsArgs() {
    JsonObject body = valid("tool_call", "{\"tool\":\"search\",\"call_id\":\"c1\"}");
    assertEquals(new JsonObject(), body.getJsonObject("args"));
    JsonObject kept = valid("tool_call", "{\"tool\":\"search\",\"call_id\":\"c1\",\"args\":{\"q\":\"x\"}}");
    assertEquals(new JsonObject().put("q", "x"), kept.getJsonObject("args"));
    invalid("tool_call", "{\"call_id\":\"c1\"}");
    invalid("tool_call", "{\"tool\":\"search\"}");
  }

  @Test
  void toolResultCarriesExactlyOneOfResultOrError() {
    valid("tool_result", "{\"call_id\":\"c1\",\"result\":{\"ok\":true}}");
    valid("tool_result", "{\"call_id\":\"c1\",\"result\":null}");
    JsonObject error = valid("tool_result",
        "{\"call_id\":\"c1\",\"error\":{\"code\":\"BUDGET_EXHAUSTED\",\"message\":\"out\",\"retryable\":true}}");
    assertEquals(new JsonObject().put("code", "BUDGET_EXHAUSTED").put("message", "out").put("retryable", false),
        error.getJsonObject("error"), "error normalised to a §12 payload, retryable rules applied");
    JsonObject unknown = valid("tool_result", "{\"call_id\":\"c1\",\"error\":{\"code\":\"NOPE\"}}");
    assertEquals("INTERNAL_ERROR", unknown.getJsonObject("error").getString("code"));
    assertTrue(unknown.getJsonObject("error").getBoolean("retryable"));
    invalid("tool_result", "{\"call_id\":\"c1\"}");
    invalid("tool_result", "{\"call_id\":\"c1\",\"result\":1,\"error\":{\"code\":\"CANCELLED\"}}");
    invalid("tool_result", "{\"result\":1}");
    invalid("tool_result", "{\"call_id\":\"c1\",\"error\":\"boom\"}");
  }

  @Test
  void status() {
    valid("status", "{\"phase\":\"planning\"}");
    valid("status", "{\"phase\":\"planning\",\"message\":\"m\"}");
    invalid("status", "{}");
    invalid("status", "{\"phase\":\"p\",\"message\":1}");
  }

  @Test
  void metricNormalisesDims() {
    JsonObject body = valid("metric", "{\"name\":\"latency\",\"value\":1.5,\"unit\":\"ms\",\"dims\":{\"a\":\"b\"}}");
    assertFalse(body.containsKey("dims"));
    assertEquals(new JsonObject().put("a", "b"), body.getJsonObject("dimensions"));
    JsonObject both = valid("metric", "{\"name\":\"n\",\"value\":1,\"dims\":{\"a\":1},\"dimensions\":{\"b\":2}}");
    assertEquals(new JsonObject().put("b", 2), both.getJsonObject("dimensions"), "explicit dimensions win");
    assertFalse(both.containsKey("dims"));
    valid("metric", "{\"name\":\"cost.inference\",\"value\":0.0234,\"unit\":\"USD\"}");
    valid("metric", "{\"name\":\"n\",\"value\":-3}");
    invalid("metric", "{\"name\":\"n\"}");
    invalid("metric", "{\"value\":1}");
    invalid("metric", "{\"name\":\"n\",\"value\":\"1\"}");
    invalid("metric", "{\"name\":\"n\",\"value\":1,\"unit\":5}");
    invalid("metric", "{\"name\":\"n\",\"value\":1,\"dims\":[1]}");
    invalid("metric", "{\"name\":\"n\",\"value\":1,\"dimensions\":\"x\"}");
  }

  @Test
  void artifactRef() {
    valid("artifact_ref", "{\"uri\":\"s3://b/k\",\"content_type\":\"text/plain\"}");
    valid("artifact_ref", "{\"uri\":\"u\",\"content_type\":\"c\",\"byte_size\":0,\"sha256\":\"ab\"}");
    invalid("artifact_ref", "{\"content_type\":\"c\"}");
    invalid("artifact_ref", "{\"uri\":\"u\"}");
    invalid("artifact_ref", "{\"uri\":\"u\",\"content_type\":\"c\",\"byte_size\":-1}");
    invalid("artifact_ref", "{\"uri\":\"u\",\"content_type\":\"c\",\"byte_size\":1.5}");
    invalid("artifact_ref", "{\"uri\":\"u\",\"content_type\":\"c\",\"sha256\":1}");
  }

  @Test
  void delegate() {
    valid("delegate", "{\"agent\":\"sub@1.0.0\"}");
    invalid("delegate", "{}");
  }

  @Test
  void progressNumbersBecomeIntegers() {
    JsonObject body = valid("progress", "{\"current\":47.0,\"total\":120.0,\"units\":\"files\",\"message\":\"m\"}");
    assertEquals(47L, body.getValue("current"));
    assertEquals(120L, body.getValue("total"));
    assertInstanceOf(Long.class, valid("progress", "{\"current\":3}").getValue("current"));
    JsonObject noTotal = valid("progress", "{\"current\":0}");
    assertFalse(noTotal.containsKey("total"), "absent total stays absent (indeterminate)");
    invalid("progress", "{}");
    invalid("progress", "{\"total\":3}");
    invalid("progress", "{\"current\":-1}");
    invalid("progress", "{\"current\":1,\"total\":-1}");
    invalid("progress", "{\"current\":\"1\"}");
    invalid("progress", "{\"current\":1,\"units\":3}");
  }

  /** Whatever number an agent sends, the emitted progress is a non-negative integer near it (or refused). */
  @Property(tries = 500, shrinking = ShrinkingMode.OFF) // shrinking doubles is slow; the sample says enough
  void progressIsNeverNegativeAfterNormalisation(@ForAll @DoubleRange(min = 0, max = 1e30) double current) {
    JsonObject body = new JsonObject().put("current", current);
    try {
      EventBodies.validate("progress", body);
    } catch (ArcpException refused) {
      assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
      return;
    }
    long out = ((Number) body.getValue("current")).longValue();
    assertTrue(out >= 0, current + " became " + out);
    assertTrue(new BigDecimal(out).subtract(BigDecimal.valueOf(current)).abs().compareTo(BigDecimal.ONE) < 0,
        current + " became " + out);
  }

  @Test
  void hugeProgressDoesNotWrapNegative() {
    for (String huge : List.of("1e19", "18446744073709551615", "9223372036854775808")) {
      JsonObject body = new JsonObject("{\"current\":" + huge + "}");
      try {
        EventBodies.validate("progress", body);
      } catch (ArcpException refused) {
        assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
        continue;
      }
      assertTrue(((Number) body.getValue("current")).longValue() >= 0, huge + " became " + body.getValue("current"));
    }
  }

  @Test
  void resultChunkIsLeftToTheResultStream() {
    valid("result_chunk", "{\"anything\":1}");
  }

  @Test
  void vendorKindsPassUntouchedUnknownKindsAreRefused() {
    JsonObject body = valid("x-vendor.acme.trace", "{\"whatever\":[1,2]}");
    assertEquals(new JsonObject().put("whatever", new JsonArray().add(1).add(2)), body);
    invalid("x-vendor.Acme", "{}");
    invalid("x-vendor.", "{}");
    invalid("x-acme", "{}");
    invalid("telemetry", "{}");
    invalid("LOG", "{\"level\":\"info\",\"message\":\"m\"}");
    invalid(null, "{}");
    invalid("log", null);
  }

  @Test
  void everyKindOfTheSpecTableIsKnown() {
    Map<String, String> minimal = Map.of(
        "log", "{\"level\":\"info\",\"message\":\"m\"}",
        "thought", "{\"text\":\"t\"}",
        "tool_call", "{\"tool\":\"t\",\"call_id\":\"c\",\"args\":{}}",
        "tool_result", "{\"call_id\":\"c\",\"result\":1}",
        "status", "{\"phase\":\"p\"}",
        "metric", "{\"name\":\"n\",\"value\":1}",
        "artifact_ref", "{\"uri\":\"u\",\"content_type\":\"c\"}",
        "delegate", "{\"agent\":\"a\"}",
        "progress", "{\"current\":1}",
        "result_chunk", "{}");
    assertEquals(10, EventKind.values().length);
    minimal.forEach(EventBodiesTest::valid);
    for (String kind : minimal.keySet()) {
      if (!kind.equals("result_chunk")) {
        invalid(kind, "{}");
      }
    }
  }
}
