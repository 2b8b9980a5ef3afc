package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.assertStrictUtc;
import static dev.arcpgateway.testing.JobFrames.terminalPayload;
import static dev.arcpgateway.testing.JobFrames.assertTraceId;
import static dev.arcpgateway.testing.JobFrames.hasSeq;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * §7.1: job.submit → job.accepted with the effective lease, constraints, budget and ids; refused submissions in
 * the two-frame carrier of wire-notes §13.1. Four job-runner instances, so that submissions really race.
 */
@ExtendWith(VertxExtension.class)
class Section7_1_SubmitTest {

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setLanes(4));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void acceptedEchoesLeaseConstraintsBudgetAndIds() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String expiresAt = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonObject leaseRequest = new JsonObject()
        .put("fs.read", new JsonArray().add("/ws/**"))
        .put("cost.budget", new JsonArray().add("USD:5.00"));
    JsonObject traced = Wire.submit(client.sessionId(), new JsonObject()
        .put("agent", "echo")
        .put("input", new JsonObject().put("path", "src/auth"))
        .put("lease_request", leaseRequest)
        .put("lease_constraints", new JsonObject().put("expires_at", expiresAt))).put("trace_id", TRACE);
    Instant before = Instant.now().minusSeconds(2);
    client.send(traced);
    JsonObject accepted = client.expect("job.accepted");
    JsonObject p = payload(accepted);

    assertEquals("1.1", accepted.getString("arcp"));
    assertEquals(client.sessionId(), accepted.getString("session_id"));
    assertTrue(accepted.getString("job_id").startsWith("job_"), accepted.encode());
    assertEquals(accepted.getString("job_id"), p.getString("job_id"));
    assertEquals(TRACE, accepted.getString("trace_id"), "envelope trace_id");
    assertFalse(hasSeq(accepted), "job.accepted carries no event_seq: " + accepted.encode());

    assertEquals("echo@2.0.0", p.getString("agent"));
    assertEquals(leaseRequest, p.getJsonObject("lease"));
    assertEquals(new JsonObject().put("expires_at", expiresAt), p.getJsonObject("lease_constraints"));
    Object usd = p.getJsonObject("budget").getValue("USD");
    assertTrue(usd instanceof Number, "budget values are JSON numbers: " + p.encode());
    assertEquals(5.0, ((Number) usd).doubleValue(), 1e-9);
    assertEquals(1, p.getJsonObject("budget").size());
    Instant acceptedAt = assertStrictUtc(p.getString("accepted_at"));
    assertTrue(acceptedAt.isAfter(before) && acceptedAt.isBefore(Instant.now().plusSeconds(2)), p.encode());
    assertEquals(TRACE, p.getString("trace_id"));
    assertEquals(traced.getString("id"), p.getString("request_id"));

    List<JsonObject> rest = client.untilTerminal(accepted.getString("job_id"));
    JsonObject result = rest.get(rest.size() - 1);
    assertEquals("job.result", type(result));
    assertEquals(TRACE, result.getString("trace_id"));
    assertEquals(new JsonObject().put("final_status", "success").put("result",
        new JsonObject().put("input", new JsonObject().put("path", "src/auth")).put("version", "2.0.0")),
        terminalPayload(result));
  }

  @Test
  void withoutLeaseTheLeaseIsEmptyAndNothingElseIsInvented() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("echo", 42);
    JsonObject p = payload(client.expectAccepted(id));
    assertEquals(new JsonObject(), p.getJsonObject("lease"));
    assertFalse(p.containsKey("lease_constraints"), p.encode());
    assertFalse(p.containsKey("budget"), p.encode());
    assertFalse(p.containsKey("credentials"), p.encode());
  }

  @Test
  void aTraceIdIsGeneratedWhenTheClientSentNoneOrAnInvalidOne() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("echo", "x");
    JsonObject accepted = client.expectAccepted(id);
    String generated = payload(accepted).getString("trace_id");
    assertTraceId(generated);
    assertEquals(generated, accepted.getString("trace_id"));
    JsonObject result = client.untilTerminal(accepted.getString("job_id")).get(0);
    assertEquals(generated, result.getString("trace_id"), "job frames carry the job's trace");

    // uppercase hex is not a W3C trace-id
    JsonObject upper = Wire.submit(client.sessionId(), "echo", "y").put("trace_id", TRACE.toUpperCase());
    client.send(upper);
    String other = payload(client.expectAccepted(upper.getString("id"))).getString("trace_id");
    assertTraceId(other);
    assertNotEquals(TRACE.toUpperCase(), other);
    assertNotEquals(generated, other, "every job gets its own generated trace");
  }

  @Test
  void expiresInSecondsBecomesAnAbsoluteExpiresAt() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = client.submit(new JsonObject().put("agent", "echo").put("input", 1)
        .put("lease_constraints", new JsonObject().put("expires_in_s", 120)));
    Instant now = Instant.now();
    JsonObject constraints = payload(client.expectAccepted(submit.getString("id"))).getJsonObject("lease_constraints");
    assertEquals(List.of("expires_at"), List.copyOf(constraints.fieldNames()), constraints.encode());
    Instant at = assertStrictUtc(constraints.getString("expires_at"));
    assertTrue(Math.abs(Duration.between(now.plusSeconds(120), at).toSeconds()) <= 5,
        "expires_at ≈ now + 120 s, got " + at);
  }

  @Test
  void acceptedFramesFollowSubmitOrderWithFiftyInFlight() {
    WireClient client = gateway.session(TestGateway.ALICE);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(client.submit(i % 2 == 0 ? "echo" : "chatty", new JsonObject().put("i", i).put("count", 3)));
    }
    List<String> acceptedOrder = new ArrayList<>();
    List<String> jobs = new ArrayList<>();
    int terminals = 0;
    while (terminals < 50) {
      JsonObject frame = client.next();
      if ("job.accepted".equals(type(frame))) {
        acceptedOrder.add(payload(frame).getString("request_id"));
        jobs.add(frame.getString("job_id"));
      } else if (hasSeq(frame)) {
        assertTrue(jobs.contains(frame.getString("job_id")), "job frame before its job.accepted: " + frame.encode());
        if (!"job.event".equals(type(frame))) {
          terminals++;
        }
      }
    }
    assertEquals(sent, acceptedOrder);
  }

  @Test
  void acceptancesAndRefusalsTogetherFollowSubmitOrder() {
    WireClient client = gateway.session(TestGateway.ALICE);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String agent = i % 5 == 0 ? "no-such-agent" : i % 7 == 0 ? "echo@9.9.9" : "echo";
      sent.add(client.submit(agent, i));
    }
    List<String> answers = new ArrayList<>();
    while (answers.size() < 50) {
      JsonObject frame = client.next();
      if ("job.accepted".equals(type(frame))) {
        answers.add(payload(frame).getString("request_id"));
      } else if ("job.error".equals(type(frame)) && !frame.containsKey("job_id")) {
        answers.add(frame.getString("id"));
      }
    }
    assertEquals(sent, answers);
  }

  @Test
  void budgetSumsAmountsPerCurrencyAsNumbers() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = client.submit(new JsonObject().put("agent", "echo").put("input", 1)
        .put("lease_request", new JsonObject().put("cost.budget",
            new JsonArray().add("USD:2.50").add("USD:2.50").add("EUR:1"))));
    JsonObject budget = payload(client.expectAccepted(submit.getString("id"))).getJsonObject("budget");
    assertEquals(2, budget.size(), budget.encode());
    assertEquals(5.0, ((Number) budget.getValue("USD")).doubleValue(), 1e-9);
    assertEquals(1.0, ((Number) budget.getValue("EUR")).doubleValue(), 1e-9);
  }

  /**
   * A submit whose payload is not an object is still a refused job.submit: wire-notes §13.1 sends it in the two
   * job.error frames and reserves session.error for session-fatal conditions (a TypeScript client fails all of
   * its pending work on a session.error).
   */
  @Test
  void aSubmitWhosePayloadIsNotAnObjectIsRefusedInTheSubmitCarrier() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), new JsonObject()).put("trace_id", TRACE);
    submit.put("payload", new JsonArray().add("echo"));
    client.send(submit);
    assertRejectedSubmit(client, submit, "INVALID_REQUEST");
  }

  static Stream<Arguments> refusals() {
    JsonObject echo = new JsonObject().put("agent", "echo").put("input", 1);
    return Stream.of(
        Arguments.of("unknown agent", echo.copy().put("agent", "no-such-agent"), "AGENT_NOT_AVAILABLE"),
        Arguments.of("unknown version", echo.copy().put("agent", "echo@9.9.9"), "AGENT_VERSION_NOT_AVAILABLE"),
        Arguments.of("uppercase name", echo.copy().put("agent", "Echo"), "INVALID_REQUEST"),
        Arguments.of("empty version", echo.copy().put("agent", "echo@"), "INVALID_REQUEST"),
        Arguments.of("space in name", echo.copy().put("agent", "a b"), "INVALID_REQUEST"),
        Arguments.of("missing agent", new JsonObject().put("input", 1), "INVALID_REQUEST"),
        Arguments.of("agent not a string", echo.copy().put("agent", 7), "INVALID_REQUEST"),
        Arguments.of("unknown lease namespace",
            echo.copy().put("lease_request", new JsonObject().put("fs.exec", new JsonArray().add("/x"))),
            "INVALID_REQUEST"),
        Arguments.of("past expires_at",
            echo.copy().put("lease_constraints", new JsonObject().put("expires_at", "2020-01-01T00:00:00Z")),
            "INVALID_REQUEST"),
        Arguments.of("past expires_at with an offset",
            echo.copy().put("lease_constraints", new JsonObject().put("expires_at", "2020-01-01T02:00:00+02:00")),
            "INVALID_REQUEST"),
        Arguments.of("expires_at without zone",
            echo.copy().put("lease_constraints", new JsonObject().put("expires_at", "2099-01-01T00:00:00")),
            "INVALID_REQUEST"),
        Arguments.of("impossible expires_at",
            echo.copy().put("lease_constraints", new JsonObject().put("expires_at", "2099-13-45T00:00:00Z")),
            "INVALID_REQUEST"),
        Arguments.of("expires_in_s 0",
            echo.copy().put("lease_constraints", new JsonObject().put("expires_in_s", 0)), "INVALID_REQUEST"),
        Arguments.of("expires_in_s negative",
            echo.copy().put("lease_constraints", new JsonObject().put("expires_in_s", -30)), "INVALID_REQUEST"),
        Arguments.of("expires_in_s string",
            echo.copy().put("lease_constraints", new JsonObject().put("expires_in_s", "60")), "INVALID_REQUEST"),
        Arguments.of("lease patterns not an array",
            echo.copy().put("lease_request", new JsonObject().put("fs.read", "/ws/**")), "INVALID_REQUEST"),
        Arguments.of("malformed budget amount",
            echo.copy().put("lease_request", new JsonObject().put("cost.budget", new JsonArray().add("USD5"))),
            "INVALID_REQUEST"),
        Arguments.of("max_runtime_sec 0", echo.copy().put("max_runtime_sec", 0), "INVALID_REQUEST"),
        Arguments.of("max_runtime_sec negative", echo.copy().put("max_runtime_sec", -5), "INVALID_REQUEST"),
        Arguments.of("max_runtime_sec fraction", echo.copy().put("max_runtime_sec", 1.5), "INVALID_REQUEST"),
        Arguments.of("max_runtime_sec string", echo.copy().put("max_runtime_sec", "10"), "INVALID_REQUEST"));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("refusals")
  void refusedSubmitIsAnsweredWithTheTwoErrorFrames(String what, JsonObject payload, String code) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), payload).put("trace_id", TRACE);
    client.send(submit);
    JsonObject placeholder = assertRejectedSubmit(client, submit, code);
    assertEquals(1L, placeholder.getLong("event_seq"), "the first seq-bearing frame of a fresh session");
    assertFalse(payload(placeholder).getBoolean("retryable"), code + " is not retryable");

    // nothing else (no session.error, no second answer) comes before the answer to the next submit
    String next = client.submit("echo", "after");
    client.expectAccepted(next);
  }
}
