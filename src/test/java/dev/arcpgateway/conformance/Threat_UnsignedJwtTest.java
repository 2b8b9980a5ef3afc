package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Refusals.assertUsable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.Jwts;
import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Threat: unsigned or wrongly signed JWTs accepted as any {@code sub} (issue 8 item 1). Vert.x verifies nothing
 * when it loaded no key, so a key set that is empty or holds only unusable keys ({@code alg: none}, an empty
 * {@code oct}) must stop the gateway from starting; with a usable key, tokens whose header is {@code none} in any
 * case, whose signature is empty, or whose algorithm is not the configured one are refused, for sessions and for
 * the agent bridge alike.
 */
@ExtendWith(VertxExtension.class)
class Threat_UnsignedJwtTest {

  static final String HMAC_SECRET = "an-hmac-secret-of-at-least-32-bytes!!";
  static final JsonObject NONE_KEY = new JsonObject().put("kty", "oct").put("alg", "none").put("kid", "none")
      .put("k", Jwts.b64("secret".getBytes(StandardCharsets.UTF_8)));
  static final JsonObject EMPTY_OCT_KEY = new JsonObject().put("kty", "oct").put("kid", "empty").put("k", "");
  static final JsonObject HMAC_KEY = new JsonObject().put("kty", "oct").put("alg", "HS256").put("kid", "hs1")
      .put("k", Jwts.b64(HMAC_SECRET.getBytes(StandardCharsets.UTF_8)));

  @TempDir
  static Path dir;

  static TestGateway gateway;
  static KeyPair esKey;

  /**
   * A gateway accepting ES256 from a JWKS that also holds an {@code alg: none} key, an empty {@code oct} key and an
   * HS256 key (usable, but not for the configured algorithm), for sessions and the agent bridge.
   */
  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    esKey = Jwts.ecKeyPair();
    Path keys = jwks("mixed.json", Jwts.ecJwk(esKey, "k1"), NONE_KEY, EMPTY_OCT_KEY, HMAC_KEY);
    JsonObject jwt = new JsonObject().put("algorithm", "ES256").put("jwks_file", keys.toString());
    gateway = TestGateway.start(vertx, options -> options.setJwt(jwt)
        .setBridge(new JsonObject().put("port", 0).put("jwt", jwt)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static Path jwks(String name, JsonObject... keys) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, new JsonObject().put("keys", new JsonArray(List.of((Object[]) keys))).encode());
    return file;
  }

  static JsonObject claims(String subject) {
    return new JsonObject().put("sub", subject).put("scope", "agent:jwt-probe")
        .put("exp", Instant.now().plusSeconds(300).getEpochSecond());
  }

  static String compact(String header, JsonObject claims, String signature) {
    return Jwts.b64(header.getBytes(StandardCharsets.UTF_8)) + "."
        + Jwts.b64(claims.encode().getBytes(StandardCharsets.UTF_8)) + "." + signature;
  }

  static String es256(JsonObject claims) {
    return Jwts.sign(Jwts.es256(gateway.vertx(), esKey), "ES256", claims, new JsonObject().put("kid", "k1"));
  }

  static Stream<Arguments> forgedTokens() {
    String signed = es256(claims("mallory"));
    return Stream.of(
        Arguments.of("alg none", compact("{\"alg\":\"none\"}", claims("mallory"), "")),
        Arguments.of("alg NONE", compact("{\"alg\":\"NONE\",\"typ\":\"JWT\"}", claims("mallory"), "")),
        Arguments.of("alg None with a signature", compact("{\"alg\":\"None\"}", claims("mallory"), "c2ln")),
        Arguments.of("no alg", compact("{\"typ\":\"JWT\"}", claims("mallory"), "c2ln")),
        Arguments.of("HS256 with an empty signature", compact("{\"alg\":\"HS256\"}", claims("mallory"), "")),
        Arguments.of("ES256 with its signature cut off", signed.substring(0, signed.lastIndexOf('.') + 1)),
        Arguments.of("HS256 signed with a JWKS key the configured algorithm does not allow",
            Jwts.sign(Jwts.hmac(gateway.vertx(), "HS256", HMAC_SECRET), "HS256", claims("mallory"),
                new JsonObject().put("kid", "hs1"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgedTokens")
  void forgedSessionTokenIsUnauthenticated(String what, String token) {
    JwtAuthTest.assertRefused(gateway, token);
  }

  @Test
  void tokenSignedWithTheConfiguredKeyIsWelcomed() {
    assertUsable(gateway.session(es256(claims("erin"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgedTokens")
  void forgedAgentTokenIsRefusedByTheBridge(String what, String token) {
    try (BridgeSocket agent = BridgeSocket.connect(gateway.gateway().bridgePort())) {
      agent.register(token);
      List<JsonObject> frames = agent.framesUntilClosed(BridgeSocket.WAIT);
      assertTrue(frames.stream().anyMatch(f -> "err".equals(f.getString("type"))), () -> what + ": " + frames);
      assertTrue(frames.stream().noneMatch(f -> "message".equals(f.getString("type"))), () -> what + ": " + frames);
    }
  }

  @Test
  void agentTokenSignedWithTheConfiguredKeyIsAccepted() {
    try (BridgeSocket agent = BridgeSocket.announced(gateway.gateway().bridgePort(), es256(claims("agent-a")),
        "jwt-probe", "1.0.0", 1)) {
      assertTrue(agent.answersPing());
    }
  }

  // ---- settings that yield no usable key: the gateway does not start ------------------------------------------

  /** Key sets and the {@code jwt} settings around them (an algorithm, or none: what each key names). */
  static Stream<Arguments> unusableKeySets() {
    JsonObject es256 = new JsonObject().put("algorithm", "ES256");
    JsonObject hs256 = new JsonObject().put("algorithm", "HS256");
    JsonObject unnamed = new JsonObject();
    return Stream.of(
        Arguments.of("an empty JWKS", es256, List.of()),
        Arguments.of("an empty JWKS, no algorithm configured", unnamed, List.of()),
        Arguments.of("only an alg none key", es256, List.of(NONE_KEY)),
        Arguments.of("only an alg none key, no algorithm configured", unnamed, List.of(NONE_KEY)),
        Arguments.of("only an empty HS256 key", hs256, List.of(EMPTY_OCT_KEY)),
        Arguments.of("only an empty oct key, no algorithm configured", unnamed, List.of(EMPTY_OCT_KEY)),
        Arguments.of("an alg none key and an empty oct key", hs256, List.of(NONE_KEY, EMPTY_OCT_KEY)),
        Arguments.of("only a key of another algorithm", es256, List.of(HMAC_KEY)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusableKeySets")
  void sessionJwksWithoutAUsableKeyStopsTheStart(String what, JsonObject jwt, List<JsonObject> keys)
      throws Exception {
    Path file = jwks("sessions-" + Math.abs(what.hashCode()) + ".json", keys.toArray(JsonObject[]::new));
    String message = startFailure(options -> options.setJwt(jwt.copy().put("jwks_file", file.toString())));
    assertTrue(message.contains("no usable verification key") && message.contains(file.toString()), message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusableKeySets")
  void bridgeJwksWithoutAUsableKeyStopsTheStart(String what, JsonObject jwt, List<JsonObject> keys)
      throws Exception {
    Path file = jwks("bridge-" + Math.abs(what.hashCode()) + ".json", keys.toArray(JsonObject[]::new));
    String message = startFailure(options -> options.setBridge(new JsonObject().put("port", 0)
        .put("jwt", jwt.copy().put("jwks_file", file.toString()))));
    assertTrue(message.contains("agent bridge") && message.contains("no usable verification key"), message);
  }

  @Test
  void jwksUrlWithoutAUsableKeyStopsTheStart(Vertx vertx) throws Exception {
    HttpServer jwksServer = vertx.createHttpServer().requestHandler(request -> request.response()
            .putHeader("content-type", "application/json")
            .end(new JsonObject().put("keys", new JsonArray().add(NONE_KEY).add(EMPTY_OCT_KEY)).encode()))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      String url = "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks.json";
      String message = startFailure(options -> options.setJwt(new JsonObject().put("jwks_url", url)));
      assertTrue(message.contains("no usable verification key") && message.contains(url), message);
    } finally {
      jwksServer.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void emptySecretStopsTheStart() throws Exception {
    String message = startFailure(options -> options.setJwt(new JsonObject().put("algorithm", "HS256")
        .put("secret", "")));
    assertTrue(message.contains("no usable verification key") && message.contains("secret is empty"), message);
  }

  @Test
  void publicKeyFileWithoutAKeyStopsTheStart() throws Exception {
    Path pem = dir.resolve("not-a-key.pem");
    Files.writeString(pem, "just text\n");
    String message = startFailure(options -> options.setJwt(new JsonObject().put("algorithm", "ES256")
        .put("public_key_file", pem.toString())));
    assertTrue(message.contains(pem.toString()) && message.contains("not a usable key"), message);
  }

  @Test
  void secretWithAPublicKeyAlgorithmStopsTheStart() throws Exception {
    String message = startFailure(options -> options.setJwt(new JsonObject().put("algorithm", "RS256")
        .put("secret", HMAC_SECRET)));
    assertTrue(message.contains("no usable verification key") && message.contains("RS256 needs a public key"),
        message);
  }

  @Test
  void algorithmNoneIsNotAConfigurableAlgorithm() throws Exception {
    for (String none : List.of("none", "NONE")) {
      String message = startFailure(options -> options.setJwt(new JsonObject().put("algorithm", none)
          .put("secret", HMAC_SECRET)));
      assertTrue(message.contains("jwt algorithm " + none + " is not accepted"), message);
    }
  }

  /** Starts a gateway on its own Vert.x, expects the start to fail, and returns the failure's message. */
  static String startFailure(Consumer<dev.arcpgateway.config.GatewayOptions> tune) throws Exception {
    Vertx own = Vertx.vertx();
    try {
      IllegalStateException failure = assertThrows(IllegalStateException.class, () -> TestGateway.start(own, tune));
      assertEquals("gateway did not start", failure.getMessage());
      Throwable cause = failure.getCause();
      while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
        cause = cause.getCause();
      }
      return cause.getMessage();
    } finally {
      own.close().await(10, TimeUnit.SECONDS);
    }
  }
}
