package dev.arcpgateway.protocol;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Monotonic ULIDs (26 Crockford base32 characters: 48-bit millisecond time, 80 random bits).
 *
 * <p>Within one millisecond on one thread the random part is incremented, so ids minted by one event loop sort
 * in the order they were minted. Ids are identifiers, not secrets: use {@link Secrets} for tokens.
 */
public final class Ulid {

  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final PerThread<State> STATE = PerThread.of(State::new);

  private Ulid() {
  }

  /** A new ULID string. */
  public static String next() {
    return STATE.get().next();
  }

  /** True when {@code s} is 26 characters of the ULID alphabet with a valid first character. */
  public static boolean isUlid(String s) {
    if (s == null || s.length() != 26 || s.charAt(0) > '7') {
      return false;
    }
    for (int i = 0; i < 26; i++) {
      if (decode(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static int decode(char c) {
    for (int i = 0; i < ALPHABET.length; i++) {
      if (ALPHABET[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static final class State {
    private long lastMillis = -1;
    private long randomHigh; // 16 bits
    private long randomLow;  // 64 bits

    String next() {
      long now = System.currentTimeMillis();
      if (now > lastMillis) {
        lastMillis = now;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        randomHigh = random.nextInt(1 << 16);
        randomLow = random.nextLong();
      } else if (++randomLow == 0 && ++randomHigh == (1 << 16)) {
        // 2^80 ids in one millisecond cannot happen; stay monotonic anyway by borrowing the next millisecond
        lastMillis++;
        randomHigh = 0;
      }
      char[] out = new char[26];
      long time = lastMillis;
      for (int i = 9; i >= 0; i--) {
        out[i] = ALPHABET[(int) (time & 31)];
        time >>>= 5;
      }
      // 80 random bits = 16 characters: 12 from the low 64 bits, one straddling both halves, 3 from the top 15 bits
      long low = randomLow;
      for (int i = 25; i >= 14; i--) {
        out[i] = ALPHABET[(int) (low & 31)];
        low >>>= 5;
      }
      out[13] = ALPHABET[(int) (((randomHigh & 1) << 4) | low)];
      long high = randomHigh >>> 1;
      for (int i = 12; i >= 10; i--) {
        out[i] = ALPHABET[(int) (high & 31)];
        high >>>= 5;
      }
      return new String(out);
    }
  }
}
