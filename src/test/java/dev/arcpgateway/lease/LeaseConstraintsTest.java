package dev.arcpgateway.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LeaseConstraints} (§9.5): strict UTC {@code expires_at} in the future, or {@code expires_in_s}. */
class LeaseConstraintsTest {

  private static final Instant NOW = Instant.parse("2026-05-13T19:30:00Z");

  @Test
  void absentConstraintsMeanNoExpiry() {
    assertSame(LeaseConstraints.NONE, LeaseConstraints.parse(null, NOW));
    LeaseConstraints empty = LeaseConstraints.parse(new JsonObject(), NOW);
    assertNull(empty.expiresAt());
    assertNull(empty.echo());
  }

  @Test
  void expiresAtInTheFutureIsKeptAndEchoedVerbatim() {
    LeaseConstraints c = LeaseConstraints.parse(new JsonObject().put("expires_at", "2026-05-13T23:42:00Z"), NOW);
    assertEquals(Instant.parse("2026-05-13T23:42:00Z"), c.expiresAt());
    assertEquals(new JsonObject().put("expires_at", "2026-05-13T23:42:00Z"), c.echo());
    LeaseConstraints fraction =
        LeaseConstraints.parse(new JsonObject().put("expires_at", "2026-05-13T19:30:00.001Z"), NOW);
    assertEquals(NOW.plusMillis(1), fraction.expiresAt());
  }

  @Test
  void expiresAtNowOrInThePastIsInvalid() {
    for (String past : List.of("2026-05-13T19:30:00Z", "2026-05-13T19:29:59.999Z", "2000-01-01T00:00:00Z")) {
      assertInvalid(new JsonObject().put("expires_at", past));
    }
  }

  @Test
  void expiresAtNeedsAnExplicitOffset() {
    for (String bad : List.of("2026-05-13T23:42:00", "2026-05-13T23:42:00+0000", "2026-05-13T23:42:00+00",
        "2026-05-13", "tomorrow", "2026-05-13 23:42:00Z", "2026-05-13T23:42:00z", "2026-05-13T23:42:00+25:00", "")) {
      assertInvalid(new JsonObject().put("expires_at", bad));
    }
    assertInvalid(new JsonObject().put("expires_at", 1778715720));
  }

  @Test
  void expiresInSecondsBecomesAnAbsoluteTime() {
    LeaseConstraints c = LeaseConstraints.parse(new JsonObject().put("expires_in_s", 60), NOW);
    assertEquals(NOW.plusSeconds(60), c.expiresAt());
    assertEquals(new JsonObject().put("expires_at", "2026-05-13T19:31:00.000Z"), c.echo());
    LeaseConstraints half = LeaseConstraints.parse(new JsonObject().put("expires_in_s", 1.5), NOW);
    assertEquals(NOW.plusMillis(1500), half.expiresAt());
    LeaseConstraints year = LeaseConstraints.parse(new JsonObject().put("expires_in_s", 366L * 24 * 3600), NOW);
    assertEquals(NOW.plusSeconds(366L * 24 * 3600), year.expiresAt());
  }

  @Test
  void expiresInSecondsMustBePositiveAndBounded() {
    for (Object bad : List.of(0, -1, -0.5, 366L * 24 * 3600 + 1, "60", true)) {
      assertInvalid(new JsonObject().put("expires_in_s", bad));
    }
  }

  /**
   * A positive {@code expires_in_s} too small to survive the conversion to nanoseconds must not produce an
   * expiry equal to "now", which {@code expires_at} itself would have been refused for.
   */
  @Test
  void tinyExpiresInIsRefusedOrInTheFuture() {
    try {
      LeaseConstraints c = LeaseConstraints.parse(new JsonObject().put("expires_in_s", 1e-10), NOW);
      assertTrue(c.expiresAt().isAfter(NOW), "expires_at " + c.expiresAt() + " is not after now");
    } catch (ArcpException e) {
      assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    }
  }

  @Test
  void bothFormsAtOnceAreInvalid() {
    assertInvalid(new JsonObject().put("expires_at", "2026-05-13T23:42:00Z").put("expires_in_s", 60));
  }

  @Test
  void expiringAtEchoesTheFormattedTime() {
    LeaseConstraints c = LeaseConstraints.expiringAt(Instant.parse("2026-05-13T23:42:00Z"));
    assertEquals("2026-05-13T23:42:00.000Z", c.echo().getString("expires_at"));
  }

  private static void assertInvalid(JsonObject json) {
    ArcpException e = assertThrows(ArcpException.class, () -> LeaseConstraints.parse(json, NOW), json.encode());
    assertEquals(ErrorCode.INVALID_REQUEST, e.code(), json.encode());
  }

  @Test
  void expiresAtWithAnOffsetIsTheSameInstantEchoedInUtc() {
    LeaseConstraints c = LeaseConstraints.parse(new JsonObject().put("expires_at", "2026-05-13T21:42:00+02:00"), NOW);
    assertEquals(Instant.parse("2026-05-13T19:42:00Z"), c.expiresAt());
    assertEquals(new JsonObject().put("expires_at", "2026-05-13T19:42:00.000Z"), c.echo());
    LeaseConstraints minus = LeaseConstraints.parse(new JsonObject().put("expires_at", "2026-05-13T19:42:00-00:00"),
        NOW);
    assertEquals(Instant.parse("2026-05-13T19:42:00Z"), minus.expiresAt());
  }
}
