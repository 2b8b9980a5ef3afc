package dev.arcpgateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which configured keys count as usable verification keys, and why the others do not. */
class JwtKeysTest {

  static String b64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0; // JWK integers carry no sign byte
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(bytes, skip,
        bytes.length));
  }

  static JsonObject rsaJwk(int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", "r" + bits).put("n", b64(key.getModulus()))
        .put("e", b64(key.getPublicExponent()));
  }

  static JwtKeys jwks(Set<String> algorithms, JsonObject... keys) {
    return JwtKeys.jwks(algorithms, new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys))));
  }

  @Test
  void anRsaKeyIsUsableForTheConfiguredAlgorithm() throws Exception {
    JwtKeys keys = jwks(Set.of("RS256"), rsaJwk(2048));
    assertEquals(1, keys.usable().size(), keys.ignored()::toString);
    assertEquals("r2048 RSA RS256", keys.usable().get(0).describe());
    assertEquals("RS256", keys.usable().get(0).jwk().getString("alg"), "the pinned algorithm is written in");
  }

  @Test
  void weakOrMismatchedKeysAreNotUsable() throws Exception {
    JsonObject ec = new JsonObject().put("kty", "EC").put("crv", "P-384").put("alg", "ES256")
        .put("x", "AAAA").put("y", "AAAA");
    JwtKeys keys = jwks(Set.of("RS256", "ES256"), rsaJwk(1024), ec, rsaJwk(2048).put("use", "enc"),
        new JsonObject().put("kty", "OKP").put("crv", "Ed25519"));
    assertEquals(List.of(), keys.usable());
    assertEquals(4, keys.ignored().size(), keys.ignored()::toString);
    assertTrue(keys.ignored().get(0).contains("2048 bits"), keys.ignored()::toString);
    assertTrue(keys.ignored().get(1).contains("ES256 needs crv P-256"), keys.ignored()::toString);
    assertTrue(keys.ignored().get(2).contains("not sig"), keys.ignored()::toString);
    assertTrue(keys.ignored().get(3).contains("key type OKP is not supported"), keys.ignored()::toString);
  }

  @Test
  void withoutConfiguredAlgorithmsEachKeyNamesItsOwn() throws Exception {
    JwtKeys keys = jwks(Set.of(), rsaJwk(2048).put("alg", "PS256"), rsaJwk(2048));
    assertEquals(Set.of("PS256"), keys.algorithms());
    assertEquals(1, keys.usable().size());
    assertTrue(keys.ignored().get(0).contains("no alg"), keys.ignored()::toString);
  }

  @Test
  void noneInAnyCaseIsNeverAnAlgorithm() {
    for (String none : List.of("none", "NONE", "None")) {
      assertThrows(IllegalArgumentException.class,
          () -> JwtKeys.algorithms(new JsonObject().put("algorithm", none), Set.of()));
      assertThrows(IllegalArgumentException.class, () -> JwtKeys.algorithms(new JsonObject()
          .put("algorithms", new JsonArray().add("ES256").add(none)), Set.of()));
    }
  }
}
