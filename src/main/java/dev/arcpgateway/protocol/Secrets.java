package dev.arcpgateway.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Random secrets (resume tokens, job tokens, generated bearer tokens) and their one-way hashes. */
public final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {
  }

  /** {@code prefix} followed by 32 random bytes in hex. */
  public static String token(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }

  /** SHA-256 of the token, hex: what stores keep instead of the token. */
  public static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Constant-time comparison, so that a token check leaks nothing through timing. */
  public static boolean equal(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
