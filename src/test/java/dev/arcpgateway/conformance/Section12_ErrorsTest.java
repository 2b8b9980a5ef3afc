package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** §12: the fifteen codes, their retryable rules, and how agent failures reach the wire. */
@ExtendWith(VertxExtension.class)
class Section12_ErrorsTest {

  /** The table of §12, in the spec's order. */
  static final List<String> SPEC_CODES = List.of("PERMISSION_DENIED", "LEASE_SUBSET_VIOLATION", "JOB_NOT_FOUND",
      "DUPLICATE_KEY", "AGENT_NOT_AVAILABLE", "AGENT_VERSION_NOT_AVAILABLE", "CANCELLED", "TIMEOUT",
      "RESUME_WINDOW_EXPIRED", "HEARTBEAT_LOST", "LEASE_EXPIRED", "BUDGET_EXHAUSTED", "INVALID_REQUEST",
      "UNAUTHENTICATED", "INTERNAL_ERROR");

  static TestGateway gateway;

  /**
   * Fails with {@code input.code} and an explicit {@code input.retryable}, or with a plain Java exception when
   * {@code input.plain} is true.
   */
  static Future<?> raise(JobContext job) {
    JsonObject input = job.inputObject();
    if (input.getBoolean("plain", false)) {
      return Future.failedFuture(new IllegalStateException("boom"));
    }
    if (input.getBoolean("throw", false)) {
      throw new IllegalArgumentException("thrown");
    }
    return Future.failedFuture(new ArcpException(ErrorCode.valueOf(input.getString("code")), "raised",
        input.getBoolean("retryable"), input.getJsonObject("details")));
  }

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, List.of(
        AgentRegistration.of("raise", "1.0.0", Section12_ErrorsTest::raise)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  // ---- the table ---------------------------------------------------------------------------------------

  @Test
  void exactlyTheFifteenCodesOfTheSpec() {
    assertEquals(SPEC_CODES, Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
    for (String code : SPEC_CODES) {
      assertEquals(code, ErrorCode.fromWire(code).orElseThrow().name());
    }
    assertTrue(ErrorCode.fromWire("NOT_A_CODE").isEmpty());
    assertTrue(ErrorCode.fromWire("internal_error").isEmpty(), "codes are case-sensitive");
    assertTrue(ErrorCode.fromWire(null).isEmpty());
  }

  @Test
  void defaultRetryability() {
    Set<String> retryableByDefault = Arrays.stream(ErrorCode.values()).filter(ErrorCode::defaultRetryable)
        .map(Enum::name).collect(Collectors.toSet());
    // spec: INTERNAL_ERROR always; wire-notes §9.1 (TS, J): TIMEOUT; J: HEARTBEAT_LOST; everything else false
    assertEquals(Set.of("INTERNAL_ERROR", "TIMEOUT", "HEARTBEAT_LOST"), retryableByDefault);
  }

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void theThreePinnedRulesCannotBeOverridden(ErrorCode code) {
    for (boolean requested : new boolean[] {true, false}) {
      boolean onWire = new ArcpException(code, "m", requested, null).toPayload().getBoolean("retryable");
      switch (code) {
        case LEASE_EXPIRED, BUDGET_EXHAUSTED -> assertFalse(onWire, code + " is never retryable");
        case INTERNAL_ERROR -> assertTrue(onWire, code + " is always retryable");
        default -> assertEquals(requested, onWire, code + " follows the caller");
      }
      assertEquals(onWire, code.retryable(requested));
    }
  }

  @Test
  void payloadShapeAndReadingItBack() {
    ArcpException error = new ArcpException(ErrorCode.DUPLICATE_KEY, "used", new JsonObject().put("k", 1));
    assertEquals(new JsonObject().put("code", "DUPLICATE_KEY").put("message", "used").put("retryable", false)
        .put("details", new JsonObject().put("k", 1)), error.toPayload());
    assertFalse(new ArcpException(ErrorCode.TIMEOUT, "t").toPayload().containsKey("details"),
        "details only when there are some");

    ArcpException unknown = ArcpException.fromPayload(new JsonObject().put("code", "WHATEVER").put("message", "m")
        .put("retryable", false));
    assertEquals(ErrorCode.INTERNAL_ERROR, unknown.code(), "unknown codes read as INTERNAL_ERROR");
    assertTrue(unknown.retryable(), "and so are retryable");
    ArcpException budget = ArcpException.fromPayload(new JsonObject().put("code", "BUDGET_EXHAUSTED")
        .put("message", "m").put("retryable", true));
    assertFalse(budget.retryable(), "a peer's retryable:true on BUDGET_EXHAUSTED is corrected");
    assertNull(budget.details());
  }

  // ---- on the wire -------------------------------------------------------------------------------------

  static JsonObject terminalOf(String agent, JsonObject input) {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit(agent, input);
    JsonObject terminal = last(client.untilTerminal(client.expectAccepted(id).getString("job_id")));
    assertEquals("job.error", type(terminal), terminal.encode());
    return payload(terminal);
  }

  @ParameterizedTest(name = "fail {0} → retryable {1}")
  @CsvSource({
      "INTERNAL_ERROR, true",
      "BUDGET_EXHAUSTED, false",
      "LEASE_EXPIRED, false",
      "PERMISSION_DENIED, false",
      "LEASE_SUBSET_VIOLATION, false",
      "INVALID_REQUEST, false"})
  void theFailAgentsCodeReachesTheClient(String code, boolean retryable) {
    JsonObject error = terminalOf("fail", new JsonObject().put("code", code).put("message", "asked for " + code));
    assertErrorPayload(error, "error", code);
    assertEquals(retryable, error.getBoolean("retryable"));
    assertEquals("asked for " + code, error.getString("message"));
  }

  /**
   * final_status "cancelled" and "timed_out" belong to job.cancel (§7.4) and max_runtime_sec (§12 TIMEOUT:
   * "Job exceeded max_runtime_sec"); an agent that fails with these codes by itself has failed: "error".
   */
  @ParameterizedTest(name = "fail {0} → final_status error")
  @CsvSource({"CANCELLED", "TIMEOUT"})
  void anAgentFailingWithCancelledOrTimeoutEndsInError(String code) {
    JsonObject error = terminalOf("fail", new JsonObject().put("code", code).put("message", "upstream " + code));
    assertErrorPayload(error, "error", code);
  }

  @Test
  void anUnknownCodeFromAnAgentBecomesInternalError() {
    JsonObject error = terminalOf("fail", new JsonObject().put("code", "NOT_A_CODE").put("message", "m"));
    assertErrorPayload(error, "error", "INTERNAL_ERROR");
    assertTrue(error.getBoolean("retryable"));
  }

  @ParameterizedTest(name = "agent raises {0} with retryable {1} → {2}")
  @CsvSource({
      "INTERNAL_ERROR, false, true",
      "BUDGET_EXHAUSTED, true, false",
      "LEASE_EXPIRED, true, false",
      "PERMISSION_DENIED, true, true",
      "JOB_NOT_FOUND, false, false"})
  void agentsCannotBreakTheRetryableRules(String code, boolean asked, boolean onWire) {
    JsonObject error = terminalOf("raise", new JsonObject().put("code", code).put("retryable", asked)
        .put("details", new JsonObject().put("x-acme.where", "step 3")));
    assertErrorPayload(error, "error", code);
    assertEquals(onWire, error.getBoolean("retryable"));
    assertEquals(new JsonObject().put("x-acme.where", "step 3"), error.getJsonObject("details"), "details kept");
  }

  @Test
  void aPlainExceptionIsARetryableInternalError() {
    for (JsonObject input : List.of(new JsonObject().put("plain", true), new JsonObject().put("throw", true))) {
      JsonObject error = terminalOf("raise", input);
      assertErrorPayload(error, "error", "INTERNAL_ERROR");
      assertTrue(error.getBoolean("retryable"), input.encode());
    }
  }

  @Test
  void requestErrorsUseTheSpecCodes() {
    Map<String, String> seen = new java.util.LinkedHashMap<>();
    WireClient client = gateway.session(TestGateway.ALICE);
    for (String agent : List.of("nope", "echo@0.0.1", "Bad Name")) {
      JsonObject submit = client.submit(new JsonObject().put("agent", agent).put("input", 1));
      JsonObject jobless = client.next();
      client.next(); // the placeholder job.error
      assertEquals(submit.getString("id"), jobless.getString("id"));
      seen.put(agent, payload(jobless).getString("code"));
    }
    assertEquals(Map.of("nope", "AGENT_NOT_AVAILABLE", "echo@0.0.1", "AGENT_VERSION_NOT_AVAILABLE",
        "Bad Name", "INVALID_REQUEST"), seen);
    seen.values().forEach(code -> assertTrue(SPEC_CODES.contains(code)));
  }
}
