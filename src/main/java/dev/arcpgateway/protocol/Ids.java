package dev.arcpgateway.protocol;

/** Prefixed identifiers as the public SDKs mint them ({@code sess_<ULID>}, {@code job_<ULID>} …). */
public final class Ids {

  private Ids() {
  }

  /** Envelope ids are bare ULIDs: the strictest client (Python) accepts nothing else besides UUIDv7. */
  public static String message() {
    return Ulid.next();
  }

  public static String session() {
    return "sess_" + Ulid.next();
  }

  public static String job() {
    return "job_" + Ulid.next();
  }

  public static String result() {
    return "res_" + Ulid.next();
  }

  public static String credential() {
    return "cred_" + Ulid.next();
  }

  public static String nonce() {
    return "p_" + Ulid.next();
  }

  public static String connection() {
    return "conn_" + Ulid.next();
  }

  /** A fresh W3C trace-id (32 lowercase hex digits, never all zero) for a job the client sent none for. */
  public static String traceId() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    long high;
    long low;
    do {
      high = random.nextLong();
      low = random.nextLong();
    } while (high == 0 && low == 0);
    return hex16(high) + hex16(low);
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static String hex16(long value) {
    char[] out = new char[16];
    for (int i = 15; i >= 0; i--) {
      out[i] = HEX[(int) (value & 15)];
      value >>>= 4;
    }
    return new String(out);
  }

  /**
   * The trace id a job runs under: the client's when it is a W3C trace-id (or a whole {@code traceparent},
   * whose trace-id part is taken), else a fresh one.
   */
  public static String traceIdFrom(String clientValue) {
    if (isTraceId(clientValue)) {
      return clientValue;
    }
    if (clientValue != null && clientValue.length() == 55 && clientValue.charAt(2) == '-'
        && isTraceId(clientValue.substring(3, 35))) {
      return clientValue.substring(3, 35);
    }
    return traceId();
  }

  /** True for a W3C trace-id: 32 lowercase hex digits, not all zero. */
  public static boolean isTraceId(String s) {
    if (s == null || s.length() != 32) {
      return false;
    }
    boolean nonZero = false;
    for (int i = 0; i < 32; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }
}
