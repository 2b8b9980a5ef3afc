package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Secrets}: random tokens, their hashes, constant-time comparison. */
class SecretsTest {

  @Test
  void tokensArePrefixedHexAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String token = Secrets.token("rt_");
      assertTrue(token.matches("rt_[0-9a-f]{64}"), token);
      assertTrue(seen.add(token));
    }
  }

  @Test
  void hashIsSha256Hex() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Secrets.hash("abc"));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Secrets.hash(""));
    assertNotEquals(Secrets.hash("rt_a"), Secrets.hash("rt_b"));
    assertEquals(Secrets.hash("é"), Secrets.hash("\u00e9"), "UTF-8");
  }

  @Test
  void equality() {
    assertTrue(Secrets.equal("abc", "abc"));
    assertFalse(Secrets.equal("abc", "abd"));
    assertFalse(Secrets.equal("abc", "abcd"));
    assertFalse(Secrets.equal(null, "a"));
    assertFalse(Secrets.equal("a", null));
    assertFalse(Secrets.equal(null, null));
  }
}
