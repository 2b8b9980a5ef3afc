package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ErrorCode} and {@link ArcpException}: the §12 taxonomy and its retryable rules. */
class ErrorCodeTest {

  @Test
  void theFifteenCodesOfTheSpec() {
    assertEquals(List.of("PERMISSION_DENIED", "LEASE_SUBSET_VIOLATION", "JOB_NOT_FOUND", "DUPLICATE_KEY",
            "AGENT_NOT_AVAILABLE", "AGENT_VERSION_NOT_AVAILABLE", "CANCELLED", "TIMEOUT", "RESUME_WINDOW_EXPIRED",
            "HEARTBEAT_LOST", "LEASE_EXPIRED", "BUDGET_EXHAUSTED", "INVALID_REQUEST", "UNAUTHENTICATED",
            "INTERNAL_ERROR"),
        Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
  }

  @Test
  void forcedRetryableFlagsCannotBeOverridden() {
    for (boolean requested : new boolean[] {true, false}) {
      assertFalse(ErrorCode.LEASE_EXPIRED.retryable(requested));
      assertFalse(ErrorCode.BUDGET_EXHAUSTED.retryable(requested));
      assertTrue(ErrorCode.INTERNAL_ERROR.retryable(requested));
      assertFalse(new ArcpException(ErrorCode.LEASE_EXPIRED, "m", requested, null).retryable());
      assertFalse(new ArcpException(ErrorCode.BUDGET_EXHAUSTED, "m", requested, null).retryable());
      assertTrue(new ArcpException(ErrorCode.INTERNAL_ERROR, "m", requested, null).retryable());
    }
    assertFalse(ErrorCode.LEASE_EXPIRED.defaultRetryable());
    assertFalse(ErrorCode.BUDGET_EXHAUSTED.defaultRetryable());
    assertTrue(ErrorCode.INTERNAL_ERROR.defaultRetryable());
  }

  @Test
  void otherCodesTakeTheRequestedFlag() {
    for (ErrorCode code : ErrorCode.values()) {
      if (code == ErrorCode.LEASE_EXPIRED || code == ErrorCode.BUDGET_EXHAUSTED || code == ErrorCode.INTERNAL_ERROR) {
        continue;
      }
      assertTrue(code.retryable(true), code.name());
      assertFalse(code.retryable(false), code.name());
      assertEquals(code.defaultRetryable(), new ArcpException(code, "m").retryable(), code.name());
    }
  }

  @Test
  void fromWire() {
    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(Optional.of(code), ErrorCode.fromWire(code.name()));
    }
    assertEquals(Optional.empty(), ErrorCode.fromWire(null));
    assertEquals(Optional.empty(), ErrorCode.fromWire("invalid_request"));
    assertEquals(Optional.empty(), ErrorCode.fromWire("NOPE"));
  }

  @Test
  void payloadRoundTrip() {
    JsonObject details = new JsonObject().put("capability", "fs.read");
    ArcpException e = new ArcpException(ErrorCode.PERMISSION_DENIED, "no", true, details);
    JsonObject payload = e.toPayload();
    assertEquals(new JsonObject().put("code", "PERMISSION_DENIED").put("message", "no").put("retryable", true)
        .put("details", details), payload);
    ArcpException back = ArcpException.fromPayload(payload);
    assertEquals(ErrorCode.PERMISSION_DENIED, back.code());
    assertEquals("no", back.getMessage());
    assertTrue(back.retryable());
    assertEquals(details, back.details());
    assertFalse(new ArcpException(ErrorCode.CANCELLED, "c", new JsonObject()).toPayload().containsKey("details"),
        "empty details are left out");
  }

  @Test
  void fromPayloadDefaultsAndForcedFlags() {
    ArcpException unknown = ArcpException.fromPayload(new JsonObject().put("code", "WHATEVER"));
    assertEquals(ErrorCode.INTERNAL_ERROR, unknown.code());
    assertTrue(unknown.retryable());
    assertEquals("INTERNAL_ERROR", unknown.getMessage());
    ArcpException lease = ArcpException.fromPayload(new JsonObject().put("code", "LEASE_EXPIRED")
        .put("message", "late").put("retryable", true).put("details", "not an object"));
    assertFalse(lease.retryable());
    assertNull(lease.details());
    ArcpException timeout = ArcpException.fromPayload(new JsonObject().put("code", "TIMEOUT").put("retryable", "no"));
    assertTrue(timeout.retryable(), "a non-boolean flag falls back to the default");
  }

  @Test
  void fromThrowable() {
    ArcpException arcp = ArcpException.invalid("bad");
    assertSame(arcp, ArcpException.from(arcp));
    assertEquals(ErrorCode.INVALID_REQUEST, arcp.code());
    IllegalStateException boom = new IllegalStateException("boom");
    ArcpException wrapped = ArcpException.from(boom);
    assertEquals(ErrorCode.INTERNAL_ERROR, wrapped.code());
    assertSame(boom, wrapped.unexpected(), "kept for the log");
    assertFalse(wrapped.toPayload().encode().contains("boom"), "the exception's text is never sent");
    assertTrue(wrapped.getMessage().contains(wrapped.incident()), wrapped.getMessage());
    assertEquals(wrapped.incident(), wrapped.details().getString("incident"));
    assertTrue(wrapped.retryable());
    assertNull(arcp.unexpected());
  }
}
