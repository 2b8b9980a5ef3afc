package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** {@link Timestamps}: strict UTC parsing (§9.5) and millisecond formatting. */
class TimestampsTest {

  @Test
  void acceptsUtcWithZ() {
    assertEquals(Instant.parse("2026-05-13T23:42:00Z"), Timestamps.parseStrictUtc("f", "2026-05-13T23:42:00Z"));
    assertEquals(Instant.parse("2026-05-13T23:42:00.5Z"), Timestamps.parseStrictUtc("f", "2026-05-13T23:42:00.5Z"));
    assertEquals(Instant.parse("2026-05-13T23:42:00.123456789Z"),
        Timestamps.parseStrictUtc("f", "2026-05-13T23:42:00.123456789Z"));
  }

  @Test
  void refusesOffsetsMissingZonesAndGarbage() {
    for (String bad : Arrays.asList(null, "", "2026-05-13T23:42:00+00:00", "2026-05-13T23:42:00-05:00",
        "2026-05-13T23:42:00+0000", "2026-05-13T23:42:00", "2026-05-13T23:42Z", "2026-05-13", "2026-05-13Z",
        "2026-05-13T23:42:00z", "2026-05-13t23:42:00Z", "2026-05-13 23:42:00Z", " 2026-05-13T23:42:00Z",
        "2026-05-13T23:42:00Z ", "2026-05-13T23:42:00.Z", "2026-05-13T23:42:00.1234567890Z",
        "2026-05-13T23:42:00ZZ", "+2026-05-13T23:42:00Z", "20260513T234200Z", "1778715720", "now",
        "2026-13-01T00:00:00Z", "2026-05-32T00:00:00Z", "2026-05-13T25:00:00Z", "2026-05-13T23:61:00Z",
        "2026-02-30T00:00:00Z", "２０２６-05-13T23:42:00Z")) {
      ArcpException e = assertThrows(ArcpException.class, () -> Timestamps.parseStrictUtc("expires_at", bad),
          String.valueOf(bad));
      assertEquals(ErrorCode.INVALID_REQUEST, e.code(), bad);
      assertTrue(e.getMessage().contains("expires_at"), e.getMessage());
    }
  }

  @Test
  void formatsWithMillisecondsAndZ() {
    assertEquals("2026-05-13T19:30:00.000Z", Timestamps.format(Instant.parse("2026-05-13T19:30:00Z")));
    assertEquals("2026-05-13T19:30:00.123Z", Timestamps.format(Instant.parse("2026-05-13T19:30:00.123999Z")));
    assertTrue(Timestamps.now().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z"));
  }

  @Property(tries = 1000)
  void formattedTimesAreWhatTheJavaFormatterWrites(
      @ForAll @LongRange(min = -62167219200000L, max = 253402300799999L) long millis,
      @ForAll @LongRange(min = 0, max = 999_999) long nanos) {
    Instant instant = Instant.ofEpochMilli(millis).plusNanos(nanos);
    assertEquals(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC).format(instant),
        Timestamps.format(instant));
  }

  @Property(tries = 500)
  void formattedTimesParseBack(@ForAll @LongRange(min = 0, max = 253402300799999L) long millis) {
    Instant instant = Instant.ofEpochMilli(millis);
    assertEquals(instant, Timestamps.parseStrictUtc("t", Timestamps.format(instant)));
    Instant nanos = instant.plusNanos(123);
    assertEquals(nanos.truncatedTo(ChronoUnit.MILLIS), Timestamps.parseStrictUtc("t", Timestamps.format(nanos)));
  }
}
