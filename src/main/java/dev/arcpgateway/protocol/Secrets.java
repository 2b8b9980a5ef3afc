package dev.arcpgateway.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random secrets (resume tokens, job tokens, generated bearer tokens) and their one-way hashes. */
public final class Secrets {

  /**
   * One generator per thread, a DRBG seeded from the system's entropy: the default generator reads
   * {@code /dev/urandom} under one lock that every event loop shares, and each job takes two tokens.
   */
  private static final PerThread<SecureRandom> RANDOM = PerThread.of(() -> {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException impossible) { // every Java 9+ runtime has it
      throw new IllegalStateException(impossible);
    }
  });
  /** Looking a digest up by name costs more than hashing a token with it. */
  private static final PerThread<MessageDigest> SHA_256 = PerThread.of(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  });

  private Secrets() {
  }

  /** {@code prefix} followed by 32 random bytes in hex. */
  public static String token(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.get().nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }

  /** SHA-256 of the token, hex: what stores keep instead of the token. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(SHA_256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Constant-time comparison, so that a token check leaks nothing through timing (beyond the length, which is
   * fixed for the gateway's tokens). Allocates nothing: it runs for every message an agent sends.
   */
  public static boolean equal(String a, String b) {
    if (a == null || b == null || a.length() != b.length()) {
      return false;
    }
    int difference = 0;
    for (int i = 0; i < a.length(); i++) {
      difference |= a.charAt(i) ^ b.charAt(i);
    }
    return difference == 0;
  }
}
