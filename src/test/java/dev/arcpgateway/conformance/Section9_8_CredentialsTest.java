package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static dev.arcpgateway.testing.Leases.arr;
import static dev.arcpgateway.testing.Leases.eventually;
import static dev.arcpgateway.testing.Leases.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.lease.LocalCredentialProvisioner;
import dev.arcpgateway.store.FileCredentialLedger;
import dev.arcpgateway.store.memory.MemoryStore;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * §9.8 provisioned credentials and §14 (credential confidentiality, revocation reliability): advertised only with
 * a durable ledger; issued in {@code job.accepted} to the submitter with the §9.8.1 shape and the lease's
 * constraints; never shown to subscribers or in listings; revoked at the upstream whenever the job ends; rotation
 * announced to the submitter only; credentials a previous run left outstanding are revoked at startup.
 */
@ExtendWith(VertxExtension.class)
class Section9_8_CredentialsTest {

  static final String ENDPOINT = "https://llm.example.test/v1";
  static final Duration REVOKED_WITHIN = Duration.ofSeconds(3);

  @TempDir
  static Path dir;

  /** Local provisioner, durable file ledger; bob may observe alice's jobs. */
  static TestGateway gateway;
  static LocalCredentialProvisioner upstream;
  static Path ledger;

  /** The same, rotating every second, in its own Vert.x. */
  static TestGateway rotating;
  static LocalCredentialProvisioner rotatingUpstream;
  static Vertx rotatingVertx;

  @BeforeAll
  static void start(Vertx vertx) {
    ledger = dir.resolve("ledger.jsonl");
    upstream = new LocalCredentialProvisioner(ENDPOINT, null);
    gateway = TestGateway.start(vertx, options -> options
            .setCredentials(new JsonObject().put("ledger_file", ledger.toString()))
            .setObservers(new JsonObject().put("bob", arr("alice"))),
        List.of(), builder -> builder.credentialProvisioner(upstream));
    rotatingVertx = Vertx.vertx();
    rotatingUpstream = new LocalCredentialProvisioner(ENDPOINT, Duration.ofSeconds(1));
    rotating = TestGateway.start(rotatingVertx, options -> options
            .setCredentials(new JsonObject().put("ledger_file", dir.resolve("rotating.jsonl").toString())),
        List.of(), builder -> builder.credentialProvisioner(rotatingUpstream));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    rotating.close();
    rotatingVertx.close().await(10, TimeUnit.SECONDS);
  }

  static List<String> features(WireClient client) {
    return client.welcome().getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
        .stream().map(String::valueOf).toList();
  }

  static JsonObject onlyCredential(JsonObject accepted) {
    JsonArray credentials = payload(accepted).getJsonArray("credentials");
    assertNotNull(credentials, "job.accepted carries credentials: " + accepted.encode());
    assertEquals(1, credentials.size(), credentials.encode());
    return credentials.getJsonObject(0);
  }

  static List<JsonObject> ledgerLines(Path file) {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
          .map(JsonObject::new).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean ledgerHas(Path file, String op, String credentialId) {
    return ledgerLines(file).stream().anyMatch(l -> op.equals(l.getString("op"))
        && credentialId.equals(l.getString("credential_id")));
  }

  static void assertRevoked(LocalCredentialProvisioner provisioner, Path file, JsonObject credential) {
    String id = credential.getString("id");
    String value = credential.getString("value");
    eventually(() -> provisioner.revoked(id) && !provisioner.accepts(value), REVOKED_WITHIN,
        "credential " + id + " revoked at the upstream");
    eventually(() -> ledgerHas(file, "revoked", id), REVOKED_WITHIN, "revocation of " + id + " in the ledger");
  }

  static void assertNoSecrets(List<JsonObject> frames, String... values) {
    for (JsonObject frame : frames) {
      String text = frame.encode();
      for (String value : values) {
        assertFalse(text.contains(value), "a credential value leaked: " + text);
      }
      assertFalse(containsKey(frame, "credentials"), "credentials field leaked: " + text);
    }
  }

  static boolean containsKey(Object json, String key) {
    if (json instanceof JsonObject object) {
      return object.containsKey(key) || object.stream().anyMatch(e -> containsKey(e.getValue(), key));
    }
    if (json instanceof JsonArray array) {
      return array.stream().anyMatch(item -> containsKey(item, key));
    }
    return false;
  }

  // ---- advertisement ----------------------------------------------------------------------------------------

  @Test
  void advertisedWithAProvisionerAndADurableLedger() {
    WireClient client = gateway.session(TestGateway.ALICE);
    assertTrue(features(client).contains("provisioned_credentials"),
        "welcome features with a provisioner and a file ledger: " + features(client));
  }

  /** The same with the durable ledger given through the store instead of {@code credentials.ledger_file}. */
  @Test
  void advertisedWithADurableLedgerGivenThroughTheStore() throws Exception {
    Vertx own = Vertx.vertx();
    LocalCredentialProvisioner provisioner = new LocalCredentialProvisioner(ENDPOINT, null);
    MemoryStore store = new MemoryStore()
        .withCredentialLedger(FileCredentialLedger.open(own, dir.resolve("store-ledger.jsonl")));
    try (TestGateway viaStore = TestGateway.start(own, options -> { }, List.of(),
        builder -> builder.store(store).credentialProvisioner(provisioner))) {
      WireClient client = viaStore.session(TestGateway.ALICE);
      assertTrue(features(client).contains("provisioned_credentials"), "welcome features: " + features(client));
      onlyCredential(Leases.run(client, Leases.payload("echo", 1, null)).accepted());
    } finally {
      own.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * §6.2: "Either peer MUST NOT use a feature outside that intersection" — a session that did not ask for
   * {@code provisioned_credentials} is handed no credentials.
   */
  @Test
  void noCredentialsForASessionThatDidNotNegotiateTheFeature() {
    WireClient client = gateway.connect();
    client.send(Wire.hello(TestGateway.ALICE, Wire.featuresWithout("provisioned_credentials")));
    client.welcomed(client.expect("session.welcome"));
    JsonObject accepted = Leases.run(client, Leases.payload("echo", 1, lease("cost.budget", "USD:1.00")))
        .accepted();
    assertFalse(payload(accepted).containsKey("credentials"), accepted.encode());
  }

  /** §14: "A runtime that cannot guarantee revocation MUST NOT advertise provisioned_credentials". */
  @Test
  void notAdvertisedNorIssuedWithoutADurableLedger() throws Exception {
    Vertx own = Vertx.vertx();
    LocalCredentialProvisioner provisioner = new LocalCredentialProvisioner(ENDPOINT, null);
    // the memory store, whose ledger is volatile, whatever store the run gives other tests
    try (TestGateway volatileLedger = TestGateway.start(own,
        options -> options.setStore(new JsonObject().put("type", "memory")), List.of(),
        builder -> builder.credentialProvisioner(provisioner))) {
      WireClient client = volatileLedger.session(TestGateway.ALICE);
      assertFalse(features(client).contains("provisioned_credentials"), client.welcome().encode());
      JsonObject accepted = Leases.run(client, Leases.payload("echo", 1, lease("cost.budget", "USD:1.00")))
          .accepted();
      assertFalse(payload(accepted).containsKey("credentials"), accepted.encode());
    } finally {
      own.close().await(10, TimeUnit.SECONDS);
    }
  }

  // ---- issue ------------------------------------------------------------------------------------------------

  @Test
  void acceptedCarriesTheCredentialWithTheLeaseConstraints() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Instant expiry = Instant.now().plusSeconds(300).truncatedTo(ChronoUnit.SECONDS);
    JsonObject accepted = Leases.accept(client, Leases.payload("slow", new JsonObject().put("seconds", 30),
            lease("cost.budget", "USD:5.00").put("model.use", arr("tier-fast/*")))
        .put("lease_constraints", Leases.expiresAt(expiry)));
    JsonObject credential = onlyCredential(accepted);
    assertTrue(credential.getString("id", "").startsWith("cred_"), credential.encode());
    assertEquals("bearer", credential.getString("scheme"));
    assertFalse(credential.getString("value", "").isEmpty(), credential.encode());
    assertEquals(ENDPOINT, credential.getString("endpoint"));
    assertEquals("generic", credential.getString("profile"));
    JsonObject constraints = credential.getJsonObject("constraints");
    assertEquals(arr("USD:5.00"), constraints.getJsonArray("cost.budget"), constraints.encode());
    assertEquals(arr("tier-fast/*"), constraints.getJsonArray("model.use"), constraints.encode());
    assertEquals(expiry, Instant.parse(constraints.getString("expires_at")), constraints.encode());
    assertEquals(3, constraints.size(), constraints.encode());
    assertTrue(upstream.accepts(credential.getString("value")), "live at the upstream while the job runs");
    assertTrue(ledgerHas(ledger, "issued", credential.getString("id")), "recorded in the ledger when issued");

    client.send(Wire.cancel(client.sessionId(), accepted.getString("job_id"), "done"));
    assertRevoked(upstream, ledger, credential);
  }

  @Test
  void everyJobGetsItsOwnCredential() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject first = onlyCredential(Leases.run(client, Leases.payload("echo", 1, null)).accepted());
    JsonObject second = onlyCredential(Leases.run(client, Leases.payload("echo", 2, null)).accepted());
    assertNotEquals(first.getString("id"), second.getString("id"));
    assertNotEquals(first.getString("value"), second.getString("value"), "§9.8.2: no value reused across jobs");
  }

  // ---- confidentiality --------------------------------------------------------------------------------------

  /**
   * §14: subscribers (another session of the submitter's principal, and an authorized observer of another
   * principal) and {@code session.list_jobs} never see {@code credentials} or a credential value.
   */
  @Test
  void subscribersAndListingsNeverSeeCredentials() {
    WireClient submitter = gateway.session(TestGateway.ALICE);
    JsonObject accepted = Leases.accept(submitter, Leases.payload("slow", new JsonObject().put("seconds", 30),
        lease("cost.budget", "USD:1.00")));
    String jobId = accepted.getString("job_id");
    String value = onlyCredential(accepted).getString("value");

    for (String token : List.of(TestGateway.ALICE, TestGateway.BOB)) {
      WireClient observer = gateway.session(token);
      observer.send(Leases.subscribe(observer.sessionId(), jobId, true));
      JsonObject subscribed = observer.nextOfType("job.subscribed");
      assertEquals(jobId, subscribed.getString("job_id"));
      List<JsonObject> seen = new ArrayList<>(List.of(subscribed));
      seen.addAll(Leases.collectFor(observer, Duration.ofMillis(250)));
      JsonObject listing = Leases.list(observer);
      assertTrue(listing.getJsonArray("jobs").stream()
          .anyMatch(j -> jobId.equals(((JsonObject) j).getString("job_id"))), listing.encode());
      seen.add(listing);
      assertNoSecrets(seen, value);
    }
    // the submitter's own listing is an introspection surface too
    JsonObject own = Leases.list(submitter);
    assertNoSecrets(List.of(own), value);

    submitter.send(Wire.cancel(submitter.sessionId(), jobId, "done"));
  }

  // ---- revocation -------------------------------------------------------------------------------------------

  static Stream<Arguments> endings() {
    return Stream.of(
        Arguments.of("success", Leases.payload("echo", 1, null), false),
        Arguments.of("error", Leases.payload("fail", new JsonObject().put("code", "INTERNAL_ERROR"), null), false),
        Arguments.of("cancelled", Leases.payload("slow", new JsonObject().put("seconds", 30), null), true),
        Arguments.of("timed_out", Leases.payload("slow", new JsonObject().put("seconds", 30), null)
            .put("max_runtime_sec", 1), false));
  }

  /** §9.8.2: revoked at the upstream when the job reaches any terminal state, and marked so in the ledger. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("endings")
  void credentialIsRevokedWhenTheJobEnds(String status, JsonObject submit, boolean cancel) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject accepted = Leases.accept(client, submit);
    JsonObject credential = onlyCredential(accepted);
    String jobId = accepted.getString("job_id");
    if (cancel) {
      client.send(Wire.cancel(client.sessionId(), jobId, "stop"));
    }
    List<JsonObject> frames = client.untilTerminal(jobId);
    JsonObject terminal = frames.get(frames.size() - 1);
    assertEquals(status, payload(terminal).getString("final_status"), terminal.encode());
    assertRevoked(upstream, ledger, credential);
  }

  /** §9.8.2: "parent termination MUST NOT leave child credentials live". */
  @Test
  void cancellingAParentRevokesItsChildsCredential() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject parent = Leases.accept(client, Leases.payload("delegator", new JsonObject().put("agent", "slow")
        .put("input", new JsonObject().put("seconds", 30)), lease("agent.delegate", "slow")));
    JsonObject child = client.nextOfType("job.accepted");
    assertEquals(parent.getString("job_id"), payload(child).getString("parent_job_id"));
    JsonObject childCredential = onlyCredential(child);
    assertNotEquals(onlyCredential(parent).getString("value"), childCredential.getString("value"));
    client.send(Wire.cancel(client.sessionId(), parent.getString("job_id"), "stop"));
    assertRevoked(upstream, ledger, onlyCredential(parent));
    assertRevoked(upstream, ledger, childCredential);
  }

  // ---- rotation ---------------------------------------------------------------------------------------------

  /**
   * §9.8.2 rotation: a {@code status} event {@code {phase: "credential_rotated", id, value}} to the submitter; the
   * prior value stops working; subscribers (live or replaying later) never see it.
   */
  @Test
  void rotationIsAnnouncedToTheSubmitterOnly() {
    WireClient submitter = rotating.session(TestGateway.ALICE);
    JsonObject accepted = Leases.accept(submitter, Leases.payload("slow", new JsonObject().put("seconds", 2.5),
        lease("cost.budget", "USD:1.00")));
    String jobId = accepted.getString("job_id");
    JsonObject credential = onlyCredential(accepted);
    WireClient live = rotating.session(TestGateway.ALICE);
    live.send(Leases.subscribe(live.sessionId(), jobId, true));

    List<String> values = new ArrayList<>(List.of(credential.getString("value")));
    List<JsonObject> frames = submitter.untilTerminal(jobId);
    for (JsonObject frame : frames) {
      JsonObject event = payload(frame);
      if ("job.event".equals(type(frame)) && "status".equals(event.getString("kind"))
          && "credential_rotated".equals(event.getJsonObject("body").getString("phase"))) {
        JsonObject body = event.getJsonObject("body");
        assertEquals(credential.getString("id"), body.getString("id"), body.encode());
        String value = body.getString("value");
        assertFalse(values.contains(value), "a new value: " + body.encode());
        values.add(value);
      }
    }
    assertTrue(values.size() >= 2, "rotated at least once in 2.5 s (every 1 s): " + frames);
    assertFalse(rotatingUpstream.accepts(values.get(0)), "the prior value was revoked");
    assertRevoked(rotatingUpstream, dir.resolve("rotating.jsonl"), credential.copy()
        .put("value", values.get(values.size() - 1)));

    List<JsonObject> observed = new ArrayList<>();
    observed.addAll(live.untilTerminal(jobId));
    WireClient late = rotating.session(TestGateway.ALICE);
    late.send(Leases.subscribe(late.sessionId(), jobId, true));
    observed.add(late.nextOfType("job.subscribed"));
    observed.addAll(Leases.collectFor(late, Duration.ofMillis(200)));
    assertTrue(observed.stream().anyMatch(f -> "job.event".equals(type(f))), "the subscribers saw the job");
    assertNoSecrets(observed, values.toArray(String[]::new));
    assertFalse(observed.stream().anyMatch(f -> f.encode().contains("credential_rotated")), observed.toString());
  }

  // ---- startup sweep ----------------------------------------------------------------------------------------

  /** §14 revocation reliability: credentials a previous run left outstanding are revoked at the next start. */
  @Test
  void credentialsLeftOutstandingByAPreviousRunAreRevokedAtStartup() throws Exception {
    Path file = dir.resolve("previous-run.jsonl");
    String issuedAt = Instant.now().minusSeconds(3600).toString();
    Files.writeString(file, String.join("\n",
        new JsonObject().put("op", "issued").put("credential_id", "cred_left_over").put("job_id", "job_crashed")
            .put("issued_at", issuedAt).encode(),
        new JsonObject().put("op", "issued").put("credential_id", "cred_done").put("job_id", "job_finished")
            .put("issued_at", issuedAt).encode(),
        new JsonObject().put("op", "revoked").put("credential_id", "cred_done").encode(), ""));
    Vertx own = Vertx.vertx();
    LocalCredentialProvisioner provisioner = new LocalCredentialProvisioner(ENDPOINT, null);
    try (TestGateway ignored = TestGateway.start(own, options -> options
            .setCredentials(new JsonObject().put("ledger_file", file.toString())), List.of(),
        builder -> builder.credentialProvisioner(provisioner))) {
      eventually(() -> provisioner.revoked("cred_left_over"), REVOKED_WITHIN, "outstanding credential revoked");
      eventually(() -> ledgerHas(file, "revoked", "cred_left_over"), REVOKED_WITHIN, "its revocation recorded");
      assertFalse(provisioner.revoked("cred_done"), "already revoked before: left alone");
    } finally {
      own.close().await(10, TimeUnit.SECONDS);
    }
  }
}
