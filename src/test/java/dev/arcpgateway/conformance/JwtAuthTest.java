package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Refusals.assertPreWelcomeRefusal;
import static dev.arcpgateway.testing.Refusals.assertUsable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Jwts;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * §6.1 bearer JWTs as session credentials (seed row "§6.1 custom verifier"; Python's JWTVerifier: {@code sub} is
 * the principal, issuer and audience checked): HS256 with a shared secret, ES256 with a PEM public key, ES256 from
 * a JWKS file. Refused tokens get the pre-welcome UNAUTHENTICATED sequence. Static tokens keep working beside.
 */
@ExtendWith(VertxExtension.class)
class JwtAuthTest {

  static final String SECRET = "a-shared-secret-of-at-least-32-bytes!!";
  static final String ISSUER = "https://issuer.test";
  static final String AUDIENCE = "arcp-gateway";

  @TempDir
  static Path dir;

  static Vertx vertx;
  static TestGateway hs;
  static JWTAuth hsSigner;

  static Vertx esVertx;
  static TestGateway es;
  static KeyPair esKey;

  static Vertx jwksVertx;
  static TestGateway jwks;
  static KeyPair jwksKey;

  @BeforeAll
  static void start(Vertx v) throws Exception {
    vertx = v;
    hs = TestGateway.start(v, options -> options.setJwt(new JsonObject().put("algorithm", "HS256")
        .put("secret", SECRET).put("issuer", ISSUER).put("audience", AUDIENCE)));
    hsSigner = Jwts.hmac(v, "HS256", SECRET);

    esKey = Jwts.ecKeyPair();
    Path pem = dir.resolve("es256.pub.pem");
    Files.writeString(pem, Jwts.publicPem(esKey), StandardCharsets.US_ASCII);
    esVertx = Vertx.vertx();
    es = TestGateway.start(esVertx, options -> options.setJwt(new JsonObject().put("algorithm", "ES256")
        .put("public_key_file", pem.toString()).put("issuer", ISSUER)));

    jwksKey = Jwts.ecKeyPair();
    Path keys = dir.resolve("jwks.json");
    Files.writeString(keys, new JsonObject().put("keys", new JsonArray().add(Jwts.ecJwk(jwksKey, "k1"))).encode());
    jwksVertx = Vertx.vertx();
    jwks = TestGateway.start(jwksVertx, options -> options.setJwt(new JsonObject().put("algorithm", "ES256")
        .put("jwks_file", keys.toString()).put("audience", AUDIENCE)));
  }

  @AfterAll
  static void stop() throws Exception {
    hs.close();
    es.close();
    jwks.close();
    esVertx.close().await(10, TimeUnit.SECONDS);
    jwksVertx.close().await(10, TimeUnit.SECONDS);
  }

  static JsonObject claims(String subject) {
    return new JsonObject().put("sub", subject).put("iss", ISSUER).put("aud", AUDIENCE)
        .put("exp", Instant.now().plusSeconds(300).getEpochSecond());
  }

  static String hs256(JsonObject claims) {
    return Jwts.sign(hsSigner, "HS256", claims, null);
  }

  static void assertRefused(TestGateway gateway, String token) {
    WireClient client = gateway.connect();
    JsonObject hello = Wire.hello(token);
    client.send(hello);
    assertPreWelcomeRefusal(client, hello.getString("id"), "UNAUTHENTICATED");
  }

  static boolean lists(WireClient client, String jobId) {
    return Leases.list(client).getJsonArray("jobs").stream()
        .anyMatch(j -> jobId.equals(((JsonObject) j).getString("job_id")));
  }

  // ---- HS256 ------------------------------------------------------------------------------------------------

  /** {@code sub} is the principal: a JWT for alice sees the static alice's jobs and vice versa; bob does not. */
  @Test
  void hs256TokenAuthenticatesItsSubject() {
    WireClient viaJwt = hs.session(hs256(claims("alice")));
    assertUsable(viaJwt);
    String jobId = Leases.run(viaJwt, Leases.payload("echo", 1, null)).jobId();
    assertTrue(lists(hs.session(TestGateway.ALICE), jobId), "the static alice session lists the JWT alice's job");
    assertFalse(lists(hs.session(TestGateway.BOB), jobId));

    String carolJob = Leases.run(hs.session(hs256(claims("carol"))), Leases.payload("echo", 2, null)).jobId();
    assertTrue(lists(hs.session(hs256(claims("carol"))), carolJob), "another carol session sees carol's job");
    assertFalse(lists(hs.session(TestGateway.ALICE), carolJob), "alice does not");
  }

  @Test
  void staticTokensKeepWorkingBesideJwts() {
    WireClient alice = hs.session(TestGateway.ALICE);
    assertUsable(alice);
    assertEquals("job.result", Leases.run(alice, Leases.payload("echo", 1, null)).terminal().getString("type"));
  }

  static Stream<Arguments> badHs256Tokens() {
    String good = hs256(claims("alice"));
    JsonObject other = claims("alice");
    return Stream.of(
        Arguments.of("wrong audience", hs256(claims("alice").put("aud", "someone-else"))),
        Arguments.of("no audience", hs256(withoutKey(claims("alice"), "aud"))),
        Arguments.of("wrong issuer", hs256(claims("alice").put("iss", "https://evil.test"))),
        Arguments.of("expired", hs256(claims("alice").put("exp", Instant.now().minusSeconds(120).getEpochSecond()))),
        Arguments.of("tampered subject", Jwts.withClaims(good, Jwts.claims(good).put("sub", "bob"))),
        Arguments.of("broken signature", Jwts.withBrokenSignature(good)),
        Arguments.of("other secret", Jwts.sign(Jwts.hmac(vertx, "HS256", "another-secret-of-at-least-32-bytes!!"),
            "HS256", other, null)),
        Arguments.of("no subject", hs256(withoutKey(claims("alice"), "sub"))),
        Arguments.of("alg none", unsigned(claims("alice"))));
  }

  static JsonObject withoutKey(JsonObject object, String key) {
    object.remove(key);
    return object;
  }

  static String unsigned(JsonObject claims) {
    return Jwts.b64("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + Jwts.b64(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHs256Tokens")
  void badHs256TokenIsUnauthenticated(String what, String token) {
    assertRefused(hs, token);
  }

  // ---- ES256 with a PEM public key --------------------------------------------------------------------------

  @Test
  void es256TokenVerifiedWithThePublicKeyFile() {
    JsonObject claims = claims("dave");
    claims.remove("aud"); // this gateway checks the issuer only
    WireClient client = es.session(Jwts.sign(Jwts.es256(esVertx, esKey), "ES256", claims, null));
    assertUsable(client);
    assertRefused(es, Jwts.sign(Jwts.es256(esVertx, Jwts.ecKeyPair()), "ES256", claims, null));
    assertRefused(es, Jwts.sign(Jwts.es256(esVertx, esKey), "ES256", claims.copy().put("iss", "x"), null));
    assertUsable(es.session(TestGateway.BOB));
  }

  // ---- ES256 from a JWKS file -------------------------------------------------------------------------------

  @Test
  void tokenSignedWithAJwksKeyIsAccepted() {
    String token = Jwts.sign(Jwts.es256(jwksVertx, jwksKey), "ES256", claims("erin"),
        new JsonObject().put("kid", "k1"));
    assertUsable(jwks.session(token));
  }

  @Test
  void tokenNotSignedWithAJwksKeyIsUnauthenticated() {
    KeyPair stranger = Jwts.ecKeyPair();
    for (JsonObject header : List.of(new JsonObject().put("kid", "k1"), new JsonObject().put("kid", "k2"),
        new JsonObject())) {
      assertRefused(jwks, Jwts.sign(Jwts.es256(jwksVertx, stranger), "ES256", claims("erin"), header));
    }
    assertRefused(jwks, Jwts.sign(Jwts.es256(jwksVertx, jwksKey), "ES256",
        claims("erin").put("aud", "someone-else"), new JsonObject().put("kid", "k1")));
  }
}
