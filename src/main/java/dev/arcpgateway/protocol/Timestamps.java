package dev.arcpgateway.protocol;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** ISO 8601 UTC timestamps: emitted with millisecond precision and {@code Z}; parsed strictly (§9.5). */
public final class Timestamps {

  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern STRICT_UTC =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
  private static final Pattern WITH_OFFSET =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

  private Timestamps() {
  }

  /** Now, formatted; the string is reused within a millisecond (events are stamped at high rates). */
  public static String now() {
    long millis = System.currentTimeMillis();
    Cached cached = LAST.get();
    if (cached.millis != millis) {
      cached.millis = millis;
      cached.text = MILLIS.format(Instant.ofEpochMilli(millis));
    }
    return cached.text;
  }

  private static final PerThread<Cached> LAST = PerThread.of(Cached::new);

  private static final class Cached {
    long millis = Long.MIN_VALUE;
    String text;
  }

  public static String format(Instant instant) {
    return MILLIS.format(instant);
  }

  /**
   * Parses {@code YYYY-MM-DDThh:mm:ss[.f…]Z}; offsets other than the literal {@code Z} are refused, as the
   * spec requires UTC and the TypeScript and Java SDKs accept nothing else.
   */
  public static Instant parseStrictUtc(String field, String value) {
    if (value == null || !STRICT_UTC.matcher(value).matches()) {
      throw ArcpException.invalid(field + " must be an ISO 8601 UTC timestamp ending in Z, got " + quote(value));
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ArcpException.invalid(field + " is not a valid timestamp: " + quote(value));
    }
  }

  /**
   * Parses an ISO 8601 date-time with an explicit UTC offset ({@code Z}, {@code +00:00}, {@code +02:00}, …),
   * as the seed's {@code expires_at} allows; a local time without an offset is refused.
   */
  public static Instant parseWithOffset(String field, String value) {
    if (isStrictUtc(value)) {
      return parseStrictUtc(field, value);
    }
    if (value == null || !WITH_OFFSET.matcher(value).matches()) {
      throw ArcpException.invalid(field + " must be an ISO 8601 timestamp with a UTC offset (Z or ±hh:mm), got "
          + quote(value));
    }
    try {
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw ArcpException.invalid(field + " is not a valid timestamp: " + quote(value));
    }
  }

  /** True when {@code value} is already in the strict {@code …Z} form this gateway emits. */
  public static boolean isStrictUtc(String value) {
    return value != null && STRICT_UTC.matcher(value).matches();
  }

  private static String quote(String value) {
    return value == null ? "nothing" : '"' + value + '"';
  }
}
