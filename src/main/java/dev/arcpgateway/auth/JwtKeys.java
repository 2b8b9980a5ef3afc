package dev.arcpgateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verification keys a {@code jwt} settings block yields, checked before any token is. Vert.x skips a JWK it
 * cannot load and, left with no key, verifies nothing at all (it accepts unsigned tokens), so every key is
 * checked here first: a key is usable only for a signing algorithm of its type that is among the accepted ones,
 * and an empty result is an error the gateway refuses to start with.
 *
 * @param algorithms the accepted {@code alg} values, exactly as a token header must carry them
 * @param usable     the keys tokens are verified with
 * @param ignored    why each other configured key is not used
 */
record JwtKeys(Set<String> algorithms, List<Key> usable, List<String> ignored) {

  /** Signing algorithms and the key type each needs. */
  private static final Map<String, String> KEY_TYPE = Map.ofEntries(
      Map.entry("HS256", "oct"), Map.entry("HS384", "oct"), Map.entry("HS512", "oct"),
      Map.entry("RS256", "RSA"), Map.entry("RS384", "RSA"), Map.entry("RS512", "RSA"),
      Map.entry("PS256", "RSA"), Map.entry("PS384", "RSA"), Map.entry("PS512", "RSA"),
      Map.entry("ES256", "EC"), Map.entry("ES384", "EC"), Map.entry("ES512", "EC"));

  /** The curve each ECDSA algorithm signs on. */
  private static final Map<String, String> CURVE = Map.of("ES256", "P-256", "ES384", "P-384", "ES512", "P-521");

  /** EC curves and the byte length of their coordinates. */
  private static final Map<String, Integer> CURVE_BYTES = Map.of("P-256", 32, "P-384", 48, "P-521", 66);

  /**
   * One verification key: a JWK, or a secret or PEM public key given as {@link PubSecKeyOptions}.
   *
   * @param id        the key id ({@code kid}), or null
   * @param type      the key type: {@code oct}, {@code RSA} or {@code EC}
   * @param algorithm the one algorithm the key verifies
   */
  record Key(String id, String type, String algorithm, JsonObject jwk, PubSecKeyOptions pubSec) {

    void addTo(JWTAuthOptions options) {
      if (jwk != null) {
        options.addJwk(jwk);
      } else {
        options.addPubSecKey(pubSec);
      }
    }

    /** For logs: never the key material. */
    String describe() {
      return (id == null ? "(no kid)" : id) + " " + type + " " + algorithm;
    }
  }

  /**
   * The accepted algorithms: {@code algorithms} (an array) or {@code algorithm}; {@code fallback} when neither is
   * set, or an empty set meaning "what each JWK names". {@code none}, in any case, is never accepted.
   */
  static Set<String> algorithms(JsonObject settings, Set<String> fallback) {
    List<String> named = new ArrayList<>();
    if (settings.getValue("algorithms") instanceof JsonArray list) {
      list.forEach(alg -> named.add(String.valueOf(alg)));
    } else if (settings.getString("algorithm") != null) {
      named.add(settings.getString("algorithm"));
    } else {
      return fallback;
    }
    Set<String> algorithms = new LinkedHashSet<>();
    for (String alg : named) {
      if (!KEY_TYPE.containsKey(alg)) {
        throw new IllegalArgumentException("jwt algorithm " + alg + " is not accepted; use one of "
            + KEY_TYPE.keySet().stream().sorted().toList() + " (unsigned tokens are never accepted)");
      }
      algorithms.add(alg);
    }
    if (algorithms.isEmpty()) {
      throw new IllegalArgumentException("jwt.algorithms is empty");
    }
    return algorithms;
  }

  /** A shared secret (HS*) or a PEM public key (RS*, PS*, ES*), used with each accepted algorithm. */
  static JwtKeys pubSec(Set<String> algorithms, String material, String what) {
    List<Key> usable = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    boolean secret = what.equals("secret");
    for (String alg : algorithms) {
      boolean wantsSecret = KEY_TYPE.get(alg).equals("oct");
      if (material.isBlank()) {
        ignored.add(what + " is empty");
      } else if (wantsSecret != secret) {
        ignored.add(alg + " needs " + (wantsSecret ? "a secret" : "a public key") + ", not a " + what);
      } else {
        usable.add(new Key(null, KEY_TYPE.get(alg), alg, null,
            new PubSecKeyOptions().setAlgorithm(alg).setBuffer(material)));
      }
    }
    return new JwtKeys(algorithms, usable, ignored);
  }

  /** The keys of a JWKS ({@code {"keys": [...]}}) that verify one of {@code algorithms} (empty: their own). */
  static JwtKeys jwks(Set<String> algorithms, JsonObject jwks) {
    List<Key> usable = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    JsonArray keys = jwks.getValue("keys") instanceof JsonArray list ? list : new JsonArray();
    for (int i = 0; i < keys.size(); i++) {
      if (!(keys.getValue(i) instanceof JsonObject jwk)) {
        ignored.add("keys[" + i + "] is not an object");
        continue;
      }
      String id = jwk.getValue("kid") instanceof String kid ? kid : null;
      try {
        String alg = algorithmFor(jwk, algorithms);
        // the algorithm is written into the key, so Vert.x verifies with exactly that one
        usable.add(new Key(id, jwk.getString("kty"), alg, jwk.copy().put("alg", alg), null));
      } catch (Unusable e) {
        ignored.add("keys[" + i + "]" + (id == null ? "" : " (kid " + id + ")") + ": " + e.getMessage());
      }
    }
    Set<String> accepted = algorithms;
    if (accepted.isEmpty()) {
      accepted = new LinkedHashSet<>();
      for (Key key : usable) {
        accepted.add(key.algorithm());
      }
    }
    return new JwtKeys(accepted, usable, ignored);
  }

  /** Why a configured key is not used. */
  private static final class Unusable extends Exception {
    Unusable(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The one accepted algorithm {@code jwk} verifies: its own {@code alg}, or else the only accepted algorithm of
   * its key type.
   */
  private static String algorithmFor(JsonObject jwk, Set<String> algorithms) throws Unusable {
    Object kty = jwk.getValue("kty");
    Object alg = jwk.getValue("alg");
    Object use = jwk.getValue("use");
    if (!(kty instanceof String type) || !KEY_TYPE.containsValue(type)) {
      throw new Unusable("key type " + kty + " is not supported (oct, RSA or EC)");
    }
    if (use != null && !"sig".equals(use)) {
      throw new Unusable("use is " + use + ", not sig");
    }
    String algorithm;
    if (alg == null) {
      List<String> fitting = algorithms.stream().filter(a -> KEY_TYPE.get(a).equals(type)).toList();
      if (fitting.size() != 1) {
        throw new Unusable("no alg, and " + (fitting.isEmpty() ? "no" : "more than one")
            + " accepted algorithm fits key type " + type);
      }
      algorithm = fitting.get(0);
    } else if (!(alg instanceof String name && KEY_TYPE.containsKey(name))) {
      throw new Unusable("alg " + alg + " is not accepted");
    } else if (!algorithms.isEmpty() && !algorithms.contains(name)) {
      throw new Unusable("alg " + name + " is not among the accepted " + algorithms);
    } else if (!KEY_TYPE.get(name).equals(type)) {
      throw new Unusable("alg " + name + " does not fit key type " + type);
    } else {
      algorithm = name;
    }
    String problem = switch (type) {
      case "oct" -> bytes(jwk, "k").length == 0 ? "k is missing or empty" : null;
      case "RSA" -> rsaProblem(jwk);
      default -> ecProblem(jwk, algorithm);
    };
    if (problem != null) {
      throw new Unusable(problem);
    }
    return algorithm;
  }

  private static String rsaProblem(JsonObject jwk) {
    byte[] modulus = bytes(jwk, "n");
    byte[] exponent = bytes(jwk, "e");
    if (modulus.length < 256 || exponent.length == 0) {
      return "n must be at least 2048 bits and e present";
    }
    try {
      KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, modulus),
          new BigInteger(1, exponent)));
      return null;
    } catch (GeneralSecurityException e) {
      return "not an RSA public key (" + e.getMessage() + ")";
    }
  }

  private static String ecProblem(JsonObject jwk, String algorithm) {
    Object crv = jwk.getValue("crv");
    if (!CURVE.get(algorithm).equals(crv)) {
      return algorithm + " needs crv " + CURVE.get(algorithm) + ", not " + crv;
    }
    int length = CURVE_BYTES.get(crv);
    return bytes(jwk, "x").length == length && bytes(jwk, "y").length == length ? null
        : "x and y must be " + length + " bytes for " + jwk.getString("crv");
  }

  /** A base64url member's bytes; empty when missing or not base64url. */
  private static byte[] bytes(JsonObject jwk, String member) {
    if (!(jwk.getValue(member) instanceof String text)) {
      return new byte[0];
    }
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
