package dev.arcpgateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** Minting and tampering with JWTs in tests: keys, PEM and JWK encodings, edits that break signatures. */
public final class Jwts {

  private Jwts() {
  }

  /** A fresh EC P-256 key pair. */
  public static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  public static String privatePem(KeyPair pair) {
    return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
  }

  public static String publicPem(KeyPair pair) {
    return pem("PUBLIC KEY", pair.getPublic().getEncoded());
  }

  /** The public half of an EC P-256 pair as a JWK with {@code kid}. */
  public static JsonObject ecJwk(KeyPair pair, String kid) {
    ECPublicKey key = (ECPublicKey) pair.getPublic();
    return new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", kid).put("alg", "ES256")
        .put("use", "sig")
        .put("x", b64(unsigned(key.getW().getAffineX(), 32)))
        .put("y", b64(unsigned(key.getW().getAffineY(), 32)));
  }

  private static byte[] unsigned(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length == length) {
      return bytes;
    }
    byte[] out = new byte[length];
    int copy = Math.min(length, bytes.length);
    System.arraycopy(bytes, bytes.length - copy, out, length - copy, copy);
    return out;
  }

  public static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A signer for HS* with a shared secret. */
  public static JWTAuth hmac(Vertx vertx, String algorithm, String secret) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(secret)));
  }

  /** A signer for ES256 with the private key of {@code pair}. */
  public static JWTAuth es256(Vertx vertx, KeyPair pair) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(privatePem(pair))));
  }

  /** Signs {@code claims} as they are (exp and the like included), with {@code header} extras (e.g. kid). */
  public static String sign(JWTAuth signer, String algorithm, JsonObject claims, JsonObject header) {
    JWTOptions options = new JWTOptions().setAlgorithm(algorithm);
    if (header != null) {
      options.setHeader(header);
    }
    return signer.generateToken(claims, options);
  }

  /** The decoded claims of a compact JWT (no verification). */
  public static JsonObject claims(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  /** The token with its claims replaced and the original signature kept. */
  public static String withClaims(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + b64(claims.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
  }

  /** The token with one signature byte flipped (a character in the middle of the signature changed). */
  public static String withBrokenSignature(String token) {
    String[] parts = token.split("\\.");
    byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
    byte[] broken = Arrays.copyOf(signature, signature.length);
    broken[broken.length / 2] ^= 0x01;
    return parts[0] + "." + parts[1] + "." + b64(broken);
  }
}
