package dev.arcpgateway.lease;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Signed delegation tokens (§10): JWTs that carry a principal, the delegating job, the granted subset lease
 * (its constraints included) and an expiry. A job submitted with one runs as a child under exactly that subset.
 * Signed with ES256 by default; the key comes from configuration, or is generated at start
 * ({@link LeaseSettings#withSigningKey()}).
 */
public final class DelegationTokens {

  public static final String ISSUER = "arcp-gateway";
  public static final String AUDIENCE = "arcp-delegation";

  private final JWTAuth jwt;
  private final String algorithm;

  private DelegationTokens(JWTAuth jwt, String algorithm) {
    this.jwt = jwt;
    this.algorithm = algorithm;
  }

  /**
   * @param algorithm     JWS algorithm (ES256 by default; HS256 takes a shared secret as {@code privatePem})
   * @param privatePem    PKCS#8 PEM of the signing key
   * @param publicPem     SPKI PEM of the verification key (ignored for HS256)
   */
  public static DelegationTokens create(Vertx vertx, String algorithm, String privatePem, String publicPem) {
    String alg = algorithm == null ? "ES256" : algorithm;
    JWTAuthOptions options = new JWTAuthOptions()
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setAudience(List.of(AUDIENCE)));
    if (alg.startsWith("HS")) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(privatePem));
    } else {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(privatePem))
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(publicPem));
    }
    return new DelegationTokens(JWTAuth.create(vertx, options), alg);
  }

  static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 support in this JVM", e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /**
   * Signs a token for {@code principal} granting {@code lease} (with {@code constraints}) under
   * {@code parentJobId} (null: a top-level job restricted to the lease) until {@code expiresAt}; a single-use
   * token starts one job only (what agents get), others any number until they expire (what applications hand
   * out as session credentials).
   */
  public String mint(String principal, String parentJobId, JsonObject lease, JsonObject constraints,
                     Instant expiresAt, boolean singleUse) {
    JsonObject claims = new JsonObject()
        .put("sub", principal)
        .put("arcp_single_use", singleUse)
        .put("jti", "del_" + Ids.message())
        .put("arcp_lease", lease)
        .put("exp", expiresAt.getEpochSecond());
    if (parentJobId != null) {
      claims.put("arcp_parent_job_id", parentJobId);
    }
    if (constraints != null && !constraints.isEmpty()) {
      claims.put("arcp_lease_constraints", constraints);
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(algorithm).setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE)));
  }

  /** The verified claims; forged, tampered, expired or foreign tokens fail with PERMISSION_DENIED. */
  public Future<Grant> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new ArcpException(ErrorCode.PERMISSION_DENIED,
            "delegation token refused: " + e.getMessage())))
        .compose(user -> {
          JsonObject decoded = user.attributes().getJsonObject("accessToken");
          JsonObject claims = decoded != null ? decoded : user.principal();
          Object lease = claims.getValue("arcp_lease");
          if (!(lease instanceof JsonObject leaseJson) || claims.getString("sub") == null
              || claims.getString("jti") == null) {
            return Future.failedFuture(new ArcpException(ErrorCode.PERMISSION_DENIED,
                "delegation token refused: not an ARCP delegation token"));
          }
          Object constraints = claims.getValue("arcp_lease_constraints");
          return Future.succeededFuture(new Grant(claims.getString("sub"), claims.getString("arcp_parent_job_id"),
              leaseJson, constraints instanceof JsonObject c ? c : null, claims.getString("jti"),
              Instant.ofEpochSecond(claims.getLong("exp", Instant.now().getEpochSecond())),
              Boolean.TRUE.equals(claims.getValue("arcp_single_use"))));
        });
  }

  /**
   * What a verified token grants.
   *
   * @param principal        whose authority it is
   * @param parentJobId      the delegating job, or null
   * @param lease            the granted lease
   * @param leaseConstraints the granted constraints, or null
   * @param tokenId          the token's {@code jti}
   * @param expiresAt        the token's expiry
   * @param singleUse        whether the token may start one job only
   */
  public record Grant(String principal, String parentJobId, JsonObject lease, JsonObject leaseConstraints,
                      String tokenId, Instant expiresAt, boolean singleUse) {
  }
}
