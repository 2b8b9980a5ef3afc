package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.Leases.arr;
import static dev.arcpgateway.testing.Leases.await;
import static dev.arcpgateway.testing.Leases.lease;
import static dev.arcpgateway.testing.Leases.number;
import static dev.arcpgateway.testing.Refusals.assertPreWelcomeRefusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Jwts;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.Leases.Run;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §10 delegation tokens (this gateway's signed form of the seed row "delegation tokens are signed JWTs"):
 * {@code Gateway.createDelegationToken} grants a principal exactly a lease; a {@code job.submit} presenting it in
 * {@code payload.delegation_token} runs under that lease or a subset of it (§9.4), and a session whose hello
 * authenticates with one runs every job under it. Forged, expired and foreign tokens are refused.
 */
@ExtendWith(VertxExtension.class)
class Section10_DelegationTokenTest {

  static final JsonObject GRANT = lease("tool.call", "search").put("cost.budget", arr("USD:0.50"));

  static TestGateway gateway;
  static Vertx vertx;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    gateway = TestGateway.start(v);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String token(String principal, JsonObject lease, JsonObject constraints, String parentJobId, long ttl) {
    return await(gateway.gateway().createDelegationToken(principal, lease, constraints, parentJobId, ttl));
  }

  static JsonObject spender(String token, JsonObject leaseRequest) {
    return Leases.payload("spender", new JsonObject().put("steps", 2).put("cost", 0.1), leaseRequest)
        .put("delegation_token", token);
  }

  static void assertRefused(WireClient client, JsonObject payload, String code) {
    JsonObject submit = Wire.submit(client.sessionId(), payload);
    client.send(submit);
    assertRejectedSubmit(client, submit, code);
  }

  // ---- job.submit with payload.delegation_token -------------------------------------------------------------

  @Test
  void submitWithTokenAndNoLeaseRequestRunsUnderExactlyTheTokensLease() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, spender(token("alice", GRANT, null, null, 60), null));
    JsonObject accepted = payload(run.accepted());
    assertEquals(GRANT, accepted.getJsonObject("lease"));
    assertEquals(0.5, number(accepted.getJsonObject("budget"), "USD"), 1e-9);
    assertEquals(new JsonObject().put("steps", 2).put("stopped", "completed"), run.result());
  }

  /** The seed's short form: {@code createDelegationToken(principal, scopes)}, valid for the configured TTL. */
  @Test
  void shortFormTokenGrantsExactlyItsScopesForTheConfiguredLifetime() {
    String token = await(gateway.gateway().createDelegationToken("alice", GRANT));
    JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]),
        java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("alice", claims.getString("sub"), claims.encode());
    assertEquals(3600L, claims.getLong("exp") - claims.getLong("iat"), "delegation.token_ttl_sec: " + claims);
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, spender(token, null));
    assertEquals(GRANT, payload(run.accepted()).getJsonObject("lease"));
    assertEquals(new JsonObject().put("steps", 2).put("stopped", "completed"), run.result());
  }

  @Test
  void tokenLeaseIsEnforced() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String token = token("alice", lease("fs.read", "/ws/**"), null, null, 60);
    Run run = Leases.run(client, spender(token, null));
    assertEquals("PERMISSION_DENIED", run.result().getString("stopped"), "no tool.call in the token's lease");
  }

  @Test
  void narrowerRequestUnderATokenIsAccepted() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject narrower = lease("tool.call", "search").put("cost.budget", arr("USD:0.20"));
    Run run = Leases.run(client, spender(token("alice", GRANT, null, null, 60), narrower));
    assertEquals(narrower, payload(run.accepted()).getJsonObject("lease"));
    assertEquals(0.2, number(payload(run.accepted()).getJsonObject("budget"), "USD"), 1e-9);
  }

  @Test
  void widerRequestUnderATokenIsLeaseSubsetViolation() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String token = token("alice", GRANT, null, null, 60);
    for (JsonObject wider : List.of(lease("tool.call", "*").put("cost.budget", arr("USD:0.10")),
        lease("tool.call", "search").put("cost.budget", arr("USD:0.51")),
        lease("tool.call", "search"),
        lease("tool.call", "search").put("cost.budget", arr("USD:0.10")).put("fs.read", arr("/ws/**")))) {
      assertRefused(client, spender(token, wider), "LEASE_SUBSET_VIOLATION");
    }
  }

  @Test
  void tokenConstraintsBoundTheJobsExpiry() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Instant expiry = Instant.now().plusSeconds(120).truncatedTo(ChronoUnit.SECONDS);
    String token = token("alice", GRANT, Leases.expiresAt(expiry), null, 60);
    JsonObject accepted = payload(Leases.run(client, spender(token, null)).accepted());
    assertEquals(expiry, Instant.parse(accepted.getJsonObject("lease_constraints").getString("expires_at")),
        accepted.encode());
    assertRefused(client, spender(token, GRANT).put("lease_constraints",
        Leases.expiresAt(expiry.plusSeconds(60))), "LEASE_SUBSET_VIOLATION");
  }

  @Test
  void tokenNamingARunningParentMakesAChildOfIt() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String parentId = Leases.accept(owner, Leases.payload("slow", new JsonObject().put("seconds", 30),
        lease("tool.call", "search").put("cost.budget", arr("USD:1.00")))).getString("job_id");
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject accepted = payload(Leases.run(client, spender(token("alice", GRANT, null, parentId, 60), null))
        .accepted());
    assertEquals(parentId, accepted.getString("parent_job_id"), accepted.encode());

    String greedy = token("alice", lease("tool.call", "search").put("cost.budget", arr("USD:2.00")), null, parentId,
        60);
    assertRefused(client, spender(greedy, null), "LEASE_SUBSET_VIOLATION");
    owner.send(Wire.cancel(owner.sessionId(), parentId, "done"));
  }

  // ---- refused tokens ---------------------------------------------------------------------------------------

  @Test
  void tokenWithABrokenSignatureIsPermissionDenied() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String token = token("alice", GRANT, null, null, 60);
    assertRefused(client, spender(Jwts.withBrokenSignature(token), null), "PERMISSION_DENIED");
  }

  @Test
  void tokenWithEditedClaimsIsPermissionDenied() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String token = token("alice", GRANT, null, null, 60);
    JsonObject widened = Jwts.claims(token).put("arcp_lease", lease("tool.call", "*")
        .put("cost.budget", arr("USD:1000")));
    assertRefused(client, spender(Jwts.withClaims(token, widened), null), "PERMISSION_DENIED");
  }

  @Test
  void tokenSignedWithAnotherKeyIsPermissionDenied() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject claims = Jwts.claims(token("alice", GRANT, null, null, 60));
    String forged = Jwts.sign(Jwts.es256(vertx, Jwts.ecKeyPair()), "ES256", claims, null);
    assertRefused(client, spender(forged, null), "PERMISSION_DENIED");
    assertRefused(client, spender("not.a.token", null), "PERMISSION_DENIED");
  }

  @Test
  void tokenIssuedToAnotherPrincipalIsPermissionDenied() {
    WireClient client = gateway.session(TestGateway.ALICE);
    assertRefused(client, spender(token("bob", GRANT, null, null, 60), null), "PERMISSION_DENIED");
  }

  @Test
  void expiredTokenIsPermissionDenied() throws InterruptedException {
    WireClient client = gateway.session(TestGateway.ALICE);
    String token = token("alice", GRANT, null, null, 1);
    Leases.run(client, spender(token, null)); // valid while it lasts
    long exp = Jwts.claims(token).getLong("exp");
    long wait = exp * 1000 + 1_100 - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
    assertRefused(client, spender(token, null), "PERMISSION_DENIED");
  }

  // ---- sessions authenticated by a delegation token ---------------------------------------------------------

  @Test
  void sessionAuthenticatedByATokenActsAsItsPrincipalUnderItsLease() {
    String token = token("alice", GRANT, null, null, 60);
    WireClient delegated = gateway.session(token);
    Run first = Leases.run(delegated, Leases.payload("spender",
        new JsonObject().put("steps", 1).put("cost", 0.1), null));
    assertEquals(GRANT, payload(first.accepted()).getJsonObject("lease"));
    assertEquals(new JsonObject().put("steps", 1).put("stopped", "completed"), first.result());
    // the token is the session's credential: every submit runs under it, not just the first
    Run second = Leases.run(delegated, Leases.payload("echo", 1, lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.05"))));
    assertEquals(lease("tool.call", "search").put("cost.budget", arr("USD:0.05")),
        payload(second.accepted()).getJsonObject("lease"));
    assertRefused(delegated, Leases.payload("echo", 1, lease("tool.call", "*").put("cost.budget",
        arr("USD:0.05"))), "LEASE_SUBSET_VIOLATION");

    // its jobs are alice's: listed to alice, not to bob
    JsonArray aliceJobs = Leases.list(gateway.session(TestGateway.ALICE)).getJsonArray("jobs");
    assertTrue(aliceJobs.stream().anyMatch(j -> first.jobId().equals(((JsonObject) j).getString("job_id"))),
        aliceJobs.encode());
    JsonArray bobJobs = Leases.list(gateway.session(TestGateway.BOB)).getJsonArray("jobs");
    assertFalse(bobJobs.stream().anyMatch(j -> first.jobId().equals(((JsonObject) j).getString("job_id"))));
  }

  @Test
  void helloWithAForgedOrForeignTokenIsUnauthenticated() {
    String token = token("alice", GRANT, null, null, 60);
    for (String bad : List.of(Jwts.withBrokenSignature(token),
        Jwts.sign(Jwts.es256(vertx, Jwts.ecKeyPair()), "ES256", Jwts.claims(token), null),
        token("alice", GRANT, null, null, -60))) {
      WireClient client = gateway.connect();
      JsonObject hello = Wire.hello(bad);
      client.send(hello);
      assertPreWelcomeRefusal(client, hello.getString("id"), "UNAUTHENTICATED");
    }
  }
}
