package dev.arcpgateway.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** ISO 8601 UTC timestamps: emitted with millisecond precision and {@code Z}; parsed strictly (§9.5). */
public final class Timestamps {

  /** For years outside 0000–9999, which {@link #format} does not write itself. */
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
      cached.text = format(Instant.ofEpochMilli(millis));
    }
    return cached.text;
  }

  private static final PerThread<Cached> LAST = PerThread.of(Cached::new);

  private static final class Cached {
    long millis = Long.MIN_VALUE;
    String text;
  }

  /**
   * {@code YYYY-MM-DDThh:mm:ss.mmmZ}, truncated to the millisecond. Written digit by digit: each job's end is
   * stamped, and the formatter builds a zoned date time and new zone rules for every call.
   */
  public static String format(Instant instant) {
    LocalDateTime utc = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    int year = utc.getYear();
    if (year < 0 || year > 9999) {
      return MILLIS.format(instant);
    }
    char[] out = new char[24];
    digits(out, 0, year, 4);
    out[4] = '-';
    digits(out, 5, utc.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, utc.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, utc.getHour(), 2);
    out[13] = ':';
    digits(out, 14, utc.getMinute(), 2);
    out[16] = ':';
    digits(out, 17, utc.getSecond(), 2);
    out[19] = '.';
    digits(out, 20, utc.getNano() / 1_000_000, 3);
    out[23] = 'Z';
    return new String(out);
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
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
