package dev.arcpgateway.lease;

/**
 * How the lease verticle decides the questions the spec leaves to deployment policy.
 *
 * @param expiryGraceMs     how long after {@code expires_at} a job that did not unwind is ended (operations
 *                          fail at {@code expires_at} exactly; §14 asks for a small bounded grace)
 * @param modelUseRequired  whether a lease without {@code model.use} forbids every model (§9.7)
 * @param tokenAlgorithm    JWS algorithm of delegation tokens (ES256 by default)
 * @param tokenPrivateKey   PEM of the signing key (HS*: the shared secret), or null to generate one
 *                          ({@link #withSigningKey()})
 * @param tokenPublicKey    PEM of the verification key, or null
 * @param tokenTtlSec       lifetime of a delegation token that the lease does not bound sooner
 */
public record LeaseSettings(long expiryGraceMs, boolean modelUseRequired, String tokenAlgorithm,
                            String tokenPrivateKey, String tokenPublicKey, long tokenTtlSec) {

  public static final LeaseSettings DEFAULTS = new LeaseSettings(1_000, false, "ES256", null, null, 3_600);

  /**
   * These settings with a key pair generated for this run when none is configured, so that every lane's lease
   * verticle signs and verifies delegation tokens with the same key (tokens then do not survive a restart).
   */
  public LeaseSettings withSigningKey() {
    if (tokenPrivateKey != null || tokenAlgorithm.startsWith("HS")) { // HS*: a secret is configured, never made up
      return this;
    }
    java.security.KeyPair pair = DelegationTokens.generate();
    return new LeaseSettings(expiryGraceMs, modelUseRequired, tokenAlgorithm,
        DelegationTokens.pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
        DelegationTokens.pem("PUBLIC KEY", pair.getPublic().getEncoded()), tokenTtlSec);
  }
}
