package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.assertStrictUtc;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.Leases.expiresAt;
import static dev.arcpgateway.testing.Leases.expiresIn;
import static dev.arcpgateway.testing.Leases.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.LeaseAgents;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.Leases.Run;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * §9.5 lease expiration (and §12, §13.4, §14 "Lease expiration clock"): {@code lease_constraints.expires_at} is
 * strict UTC and in the future; operations at or after it fail with LEASE_EXPIRED (a tool_result error the agent
 * sees); a job still active when its lease expires ends with {@code job.error} LEASE_EXPIRED,
 * {@code final_status: "error"}, {@code retryable: false}, within a small bounded grace (1 s here).
 * {@code expires_in_s} is this gateway's relative convenience form (seed row §9.2), echoed as absolute time.
 */
@ExtendWith(VertxExtension.class)
class Section9_5_ExpiryTest {

  /** Expiry plus the gateway's default 1 s grace plus generous scheduling slack. */
  static final Duration END_BOUND = Duration.ofSeconds(4);

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, LeaseAgents.all());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonObject withConstraints(JsonObject payload, JsonObject constraints) {
    return payload.put("lease_constraints", constraints);
  }

  // ---- grammar and echo -------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2099-05-13T23:42:00Z", "2099-05-13T23:42:00.123Z", "2099-05-13T23:42:00.123456Z"})
  void futureUtcExpiresAtIsEchoedAsGiven(String at) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject accepted = payload(Leases.run(client, withConstraints(Leases.payload("echo", 1, null),
        new JsonObject().put("expires_at", at))).accepted());
    assertEquals(new JsonObject().put("expires_at", at), accepted.getJsonObject("lease_constraints"));
  }

  /** §9.3 (seed): any ISO 8601 UTC offset is accepted and echoed as the same instant in UTC. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"2099-05-13T23:42:00+00:00, 2099-05-13T23:42:00.000Z",
      "2099-05-13T23:42:00+02:00, 2099-05-13T21:42:00.000Z",
      "2099-05-13T23:42:00.5-05:30, 2099-05-14T05:12:00.500Z"})
  void expiresAtWithAnOffsetIsNormalisedToUtc(String at, String utc) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject accepted = payload(Leases.run(client, withConstraints(Leases.payload("echo", 1, null),
        new JsonObject().put("expires_at", at))).accepted());
    assertEquals(new JsonObject().put("expires_at", utc), accepted.getJsonObject("lease_constraints"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2020-01-01T00:00:00Z", "2020-01-01T02:00:00+02:00", "2099-05-13T23:42:00",
      "2099-05-13", "tomorrow", "2099-05-13T23:42:00z", "2099-05-13T23:42:00+0200", "2099-05-13T23:42:00+02"})
  void pastOrOffsetlessExpiresAtIsInvalidRequest(String at) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), withConstraints(Leases.payload("echo", 1, null),
        new JsonObject().put("expires_at", at)));
    client.send(submit);
    assertRejectedSubmit(client, submit, "INVALID_REQUEST");
  }

  @Test
  void expiresAtThatIsNotAStringIsInvalidRequest() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), withConstraints(Leases.payload("echo", 1, null),
        new JsonObject().put("expires_at", 4102444800L)));
    client.send(submit);
    assertRejectedSubmit(client, submit, "INVALID_REQUEST");
  }

  @Test
  void expiresInSecondsIsEchoedAsAnAbsoluteExpiresAt() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Instant before = Instant.now();
    JsonObject accepted = payload(Leases.run(client, withConstraints(Leases.payload("echo", 1, null),
        expiresIn(1.5))).accepted());
    Instant after = Instant.now();
    JsonObject constraints = accepted.getJsonObject("lease_constraints");
    assertEquals(1, constraints.size(), "only expires_at is echoed: " + constraints.encode());
    Instant at = assertStrictUtc(constraints.getString("expires_at"));
    assertFalse(at.isBefore(before.plusMillis(1_500).minusMillis(50)), at + " vs submit at " + before);
    assertFalse(at.isAfter(after.plusMillis(1_500).plusMillis(50)), at + " vs accepted by " + after);
  }

  // ---- enforcement ------------------------------------------------------------------------------------------

  /** The job is still running when the lease expires: it ends with job.error LEASE_EXPIRED within the grace. */
  @Test
  void runningJobEndsWithLeaseExpiredAfterExpiresInSeconds() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject accepted = Leases.accept(client, withConstraints(Leases.payload("slow",
        new JsonObject().put("seconds", 10), null), expiresIn(1)));
    long start = System.nanoTime();
    List<JsonObject> frames = client.untilTerminal(accepted.getString("job_id"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertLeaseExpired(frames, took);
    assertTrue(took.compareTo(Duration.ofMillis(950)) >= 0, "ended before the lease expired: " + took);
    client.expectSilence(Duration.ofMillis(300)); // slow ticks every 100 ms: it was stopped
  }

  @Test
  void runningJobEndsWithLeaseExpiredAfterAbsoluteExpiresAt() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Instant at = Instant.now().plusMillis(1_200).truncatedTo(ChronoUnit.MILLIS);
    JsonObject accepted = Leases.accept(client, withConstraints(Leases.payload("slow",
        new JsonObject().put("seconds", 10), null), expiresAt(at)));
    long start = System.nanoTime();
    List<JsonObject> frames = client.untilTerminal(accepted.getString("job_id"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertLeaseExpired(frames, took);
    assertFalse(Instant.now().isBefore(at), "ended before expires_at " + at);
  }

  static void assertLeaseExpired(List<JsonObject> frames, Duration took) {
    JsonObject terminal = frames.get(frames.size() - 1);
    assertEquals("job.error", terminal.getString("type"), terminal.encode());
    assertErrorPayload(payload(terminal), "error", "LEASE_EXPIRED");
    assertEquals(Boolean.FALSE, payload(terminal).getBoolean("retryable"), "§12: LEASE_EXPIRED is never retryable");
    assertTrue(took.compareTo(END_BOUND) < 0, "LEASE_EXPIRED only after " + took);
    assertTrue(frames.stream().anyMatch(f -> "progress".equals(payload(f).getString("kind"))),
        "the job ran until then: " + frames);
  }

  /**
   * §9.5/§13.4: the first tool call at or after {@code expires_at} fails with LEASE_EXPIRED as a tool_result
   * error, not dispatched; calls before it went through.
   */
  @Test
  void toolCallAfterExpiryIsRefusedWithLeaseExpired() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, withConstraints(Leases.payload("paced",
        new JsonObject().put("steps", 20).put("delay_ms", 450), lease("tool.call", "search")), expiresIn(1)));
    List<JsonObject> results = run.bodies("tool_result");
    assertTrue(results.size() >= 2, "some calls before expiry, one refused after: " + run.frames());
    JsonObject refused = results.get(results.size() - 1);
    results.subList(0, results.size() - 1).forEach(r -> assertFalse(r.containsKey("error"), r.encode()));
    JsonObject error = refused.getJsonObject("error");
    assertEquals("LEASE_EXPIRED", error == null ? null : error.getString("code"), refused.encode());
    assertEquals(Boolean.FALSE, error.getBoolean("retryable"), refused.encode());
    assertEquals(run.bodies("tool_call").size(), results.size(), "every call answered");
  }

  /**
   * §9.5: "The runtime MUST emit job.error with code LEASE_EXPIRED and final_status "error" if the job is still
   * active when its lease expires and the agent attempts any further authority-bearing operation" (§13.4: the
   * agent unwinds, the runtime terminates the job). The paced agent returns a result right after its refused
   * call; the job must still end in LEASE_EXPIRED, not success.
   */
  @Test
  void jobWhoseAgentHitTheExpiredLeaseEndsWithLeaseExpired() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, withConstraints(Leases.payload("paced",
        new JsonObject().put("steps", 20).put("delay_ms", 450), lease("tool.call", "search")), expiresIn(1)));
    assertEquals("job.error", run.terminal().getString("type"),
        "agent attempted an operation after expiry, yet the job ended: " + run.terminal().encode());
    assertErrorPayload(run.outcome(), "error", "LEASE_EXPIRED");
  }

  @Test
  void jobThatFinishesBeforeExpiryIsUnaffected() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, withConstraints(Leases.payload("paced",
        new JsonObject().put("steps", 2).put("delay_ms", 10), lease("tool.call", "search")), expiresIn(30)));
    assertEquals(new JsonObject().put("steps", 2).put("stopped", "completed"), run.result());
  }
}
