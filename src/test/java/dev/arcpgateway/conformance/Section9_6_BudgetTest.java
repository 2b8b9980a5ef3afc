package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.Leases.arr;
import static dev.arcpgateway.testing.Leases.lease;
import static dev.arcpgateway.testing.Leases.number;
import static dev.arcpgateway.testing.Leases.remaining;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * §9.6 budget capability (and §12, §13.5): one counter per currency initialised from {@code cost.budget}; every
 * {@code cost.*} metric in a budgeted currency decrements it; negative costs are refused and charge nothing;
 * with any counter ≤ 0 every operation through the lease fails with BUDGET_EXHAUSTED ({@code retryable: false}),
 * as a tool_result error by default or as a fatal {@code job.error} when so configured.
 */
@ExtendWith(VertxExtension.class)
class Section9_6_BudgetTest {

  static TestGateway gateway;
  /** {@code lease.budget_exhausted_fatal: true}. */
  static TestGateway fatal;
  static Vertx fatalVertx;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setLanes(2), LeaseAgents.all());
    fatalVertx = Vertx.vertx();
    fatal = TestGateway.start(fatalVertx, options -> options.setLease(new JsonObject()
        .put("budget_exhausted_fatal", true)), LeaseAgents.all());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    fatal.close();
    fatalVertx.close().await(10, TimeUnit.SECONDS);
  }

  static JsonObject spend(int steps, double cost) {
    return new JsonObject().put("steps", steps).put("cost", cost);
  }

  static JsonObject metric(String name, Number value, String unit) {
    JsonObject metric = new JsonObject().put("name", name).put("value", value);
    return unit == null ? metric : metric.put("unit", unit);
  }

  static JsonObject metered(JsonArray authorize, JsonObject... metrics) {
    JsonArray list = new JsonArray();
    for (JsonObject m : metrics) {
      list.add(m);
    }
    JsonObject input = new JsonObject().put("metrics", list);
    return authorize == null ? input : input.put("authorize", authorize);
  }

  static void assertValues(List<Double> expected, List<Double> actual, String context) {
    assertEquals(expected.size(), actual.size(), () -> "values " + actual + " vs " + expected + ": " + context);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), 1e-9, "value " + i + " of " + actual + ": " + context);
    }
  }

  // ---- acceptance -------------------------------------------------------------------------------------------

  @Test
  void acceptedBudgetCarriesNumbersPerCurrency() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject accepted = payload(Leases.run(client, Leases.payload("echo", 1,
        lease("cost.budget", "USD:1.00", "credits:1000"))).accepted());
    JsonObject budget = accepted.getJsonObject("budget");
    assertEquals(2, budget.size(), budget.encode());
    assertEquals(1.0, number(budget, "USD"), 1e-12);
    assertEquals(1000.0, number(budget, "credits"), 1e-12);
    assertEquals(arr("USD:1.00", "credits:1000"), accepted.getJsonObject("lease").getJsonArray("cost.budget"));
  }

  // ---- enforcement through the spender ----------------------------------------------------------------------

  /** §13.5: the call after the budget ran out is refused as a tool_result error; the agent stops there. */
  @Test
  void spenderStopsWithBudgetExhaustedAfterTheStepThatUsedItUp() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("spender", spend(10, 0.4),
        lease("tool.call", "search").put("cost.budget", arr("USD:1.00"))));
    assertEquals(new JsonObject().put("steps", 3).put("stopped", "BUDGET_EXHAUSTED"), run.result());
    assertEquals("success", run.outcome().getString("final_status"), "the agent handled the refusal");

    List<JsonObject> calls = run.bodies("tool_call");
    List<JsonObject> results = run.bodies("tool_result");
    assertEquals(4, calls.size(), run.frames().toString());
    assertEquals(4, results.size(), run.frames().toString());
    results.subList(0, 3).forEach(r -> assertFalse(r.containsKey("error"), r.encode()));
    JsonObject refused = results.get(3);
    assertEquals(calls.get(3).getString("call_id"), refused.getString("call_id"));
    JsonObject error = refused.getJsonObject("error");
    assertEquals("BUDGET_EXHAUSTED", error.getString("code"), refused.encode());
    assertEquals(Boolean.FALSE, error.getBoolean("retryable"), "§12: BUDGET_EXHAUSTED is never retryable");

    List<JsonObject> costs = run.bodies("metric").stream().filter(b -> "cost.search".equals(b.getString("name")))
        .toList();
    assertEquals(3, costs.size(), "no cost for the refused step: " + costs);
    assertValues(List.of(0.6, 0.2, -0.2), remaining(run.frames(), run.jobId(), "USD"), run.frames().toString());
  }

  /** Each {@code cost.budget.remaining} report comes after the cost metric it accounts for. */
  @Test
  void remainingMetricFollowsEachCostMetric() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("spender", spend(10, 0.4),
        lease("tool.call", "search").put("cost.budget", arr("USD:1.00"))));
    List<String> names = run.bodies("metric").stream().map(b -> b.getString("name")).toList();
    assertEquals(List.of("cost.search", "cost.budget.remaining", "cost.search", "cost.budget.remaining",
        "cost.search", "cost.budget.remaining"), names);
    run.bodies("metric").stream().filter(b -> "cost.budget.remaining".equals(b.getString("name")))
        .forEach(b -> assertEquals("USD", b.getString("unit"), b.encode()));
  }

  /**
   * "Never overspends beyond one step": an agent that asks before each step and reports the step's cost after it
   * gets exactly ⌈budget / cost⌉ steps — the last one may overrun, no further one runs.
   */
  @ParameterizedTest(name = "budget {0}, step cost {1} → {2} steps")
  @CsvSource({"1.00, 0.4, 3", "1.00, 0.3, 4", "1.00, 0.25, 4", "1.00, 1.0, 1", "1.00, 0.33, 4", "0.10, 0.01, 10",
      "1.00, 2.5, 1", "5, 0.7, 8"})
  void stepsNeverExceedTheBudgetByMoreThanOneStep(String budget, double cost, int expected) {
    int ceiling = new BigDecimal(budget).divide(BigDecimal.valueOf(cost), 0, RoundingMode.CEILING).intValue();
    assertEquals(expected, ceiling, "test vector");
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("spender", spend(100, cost),
        lease("tool.call", "search").put("cost.budget", arr("USD:" + budget))));
    assertEquals(new JsonObject().put("steps", expected).put("stopped", "BUDGET_EXHAUSTED"), run.result());
  }

  // ---- cost metrics -----------------------------------------------------------------------------------------

  @Test
  void negativeCostMetricChargesNothing() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("metered", metered(null,
        metric("cost.refund", -0.5, "USD"), metric("cost.search", 0.25, "USD")), lease("cost.budget", "USD:1.00")));
    assertValues(List.of(0.75), remaining(run.frames(), run.jobId(), "USD"), run.frames().toString());
    assertEquals("ok", run.result().getJsonArray("metrics").getString(1));
  }

  /**
   * §9.6 "Negative values are rejected": the agent that reported one is told so — its {@code metric} future
   * fails with INVALID_REQUEST (JobContext: event futures fail with INVALID_REQUEST for a refused event).
   */
  @Test
  void negativeCostMetricIsRefusedToTheAgent() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("metered", metered(null, metric("cost.refund", -0.5, "USD")),
        lease("cost.budget", "USD:1.00")));
    assertEquals("INVALID_REQUEST", run.result().getJsonArray("metrics").getString(0),
        "the agent's metric future for a negative cost: " + run.result().encode());
  }

  @Test
  void currenciesAreTrackedIndependently() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject lease = lease("tool.call", "search").put("cost.budget", arr("USD:1.00", "credits:100"));
    Run run = Leases.run(client, Leases.payload("metered", metered(arr("tool.call", "search"),
        metric("cost.llm", 0.3, "USD"), metric("cost.api", 40, "credits"), metric("cost.llm", 0.2, "USD")), lease));
    assertValues(List.of(0.7, 0.5), remaining(run.frames(), run.jobId(), "USD"), run.frames().toString());
    assertValues(List.of(60.0), remaining(run.frames(), run.jobId(), "credits"), run.frames().toString());
    assertEquals("ok", run.result().getString("authorize"));
  }

  /** §9.6 "If any counter is ≤ 0": one currency used up blocks operations while another still has money. */
  @Test
  void anyExhaustedCurrencyBlocksOperations() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject lease = lease("tool.call", "search").put("cost.budget", arr("USD:1.00", "credits:100"));
    Run run = Leases.run(client, Leases.payload("metered", metered(arr("tool.call", "search"),
        metric("cost.llm", 0.1, "USD"), metric("cost.api", 100, "credits")), lease));
    assertValues(List.of(0.0), remaining(run.frames(), run.jobId(), "credits"), run.frames().toString());
    assertEquals("BUDGET_EXHAUSTED", run.result().getString("authorize"));
  }

  static Stream<Arguments> capabilities() {
    return Stream.of(
        Arguments.of("fs.read", "/ws/**", "/ws/a.txt"),
        Arguments.of("fs.write", "/ws/**", "/ws/out.txt"),
        Arguments.of("net.fetch", "https://api.example.com/**", "https://api.example.com/v1/x"),
        Arguments.of("tool.call", "search", "search"));
  }

  /** §9.6: the budget is checked before any operation through the lease, whatever its namespace. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("capabilities")
  void exhaustedBudgetRefusesEveryCapability(String namespace, String pattern, String resource) {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("metered", metered(arr(namespace, resource),
        metric("cost.all", 1.0, "USD")), lease(namespace, pattern).put("cost.budget", arr("USD:1.00"))));
    assertEquals("BUDGET_EXHAUSTED", run.result().getString("authorize"), run.result().encode());
  }

  @Test
  void metricsOutsideTheBudgetChargeNothing() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("metered", metered(arr("tool.call", "search"),
            metric("cost.llm", 5, "EUR"), // not a budgeted currency
            metric("tokens.in", 500, "USD"), // not a cost.* metric
            metric("latency", 3, "ms"),
            metric("cost.llm", 5, null), // no unit
            metric("cost.llm", 0.1, "USD")),
        lease("tool.call", "search").put("cost.budget", arr("USD:1.00"))));
    assertValues(List.of(0.9), remaining(run.frames(), run.jobId(), "USD"), run.frames().toString());
    assertTrue(remaining(run.frames(), run.jobId(), "EUR").isEmpty(), run.frames().toString());
    assertEquals("ok", run.result().getString("authorize"));
    assertEquals(6, run.bodies("metric").size(), "the five metrics and one remaining report");
  }

  @Test
  void costMetricsWithoutABudgetChargeNothingAndReportNothing() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("metered", metered(arr("tool.call", "search"),
        metric("cost.llm", 50, "USD")), lease("tool.call", "search")));
    assertTrue(remaining(run.frames(), run.jobId(), "USD").isEmpty(), run.frames().toString());
    assertEquals("ok", run.result().getString("authorize"));
  }

  // ---- concurrency ------------------------------------------------------------------------------------------

  /**
   * Many cost metrics in flight at once (the agent does not wait for any) across several concurrent jobs: no
   * decrement is lost or doubled — each job reports every intermediate remaining value exactly once, ending at
   * exactly 1.00 − 200 × 0.01.
   */
  @Test
  void concurrentCostMetricsNeverLoseADecrement() {
    int jobs = 4;
    int count = 200;
    // no "ack" feature: 1 600 unacknowledged frames would otherwise make the gateway throttle the agents (§6.5)
    WireClient client = gateway.connect();
    client.welcomed(client.send(Wire.hello(TestGateway.ALICE, Wire.featuresWithout("ack"))).expect("session.welcome"));
    List<String> requests = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      requests.add(client.submit(Leases.payload("burst", new JsonObject().put("count", count).put("value", 0.01)
          .put("unit", "USD"), lease("tool.call", "search").put("cost.budget", arr("USD:1.00")))).getString("id"));
    }
    Map<String, String> jobByRequest = new HashMap<>();
    List<JsonObject> frames = new ArrayList<>();
    int terminals = 0;
    while (terminals < jobs) {
      JsonObject frame = client.next();
      frames.add(frame);
      String type = frame.getString("type");
      if ("job.accepted".equals(type)) {
        jobByRequest.put(payload(frame).getString("request_id"), frame.getString("job_id"));
      } else if ("job.result".equals(type) || "job.error".equals(type)) {
        terminals++;
      }
    }
    assertEquals(jobs, jobByRequest.size());
    for (String request : requests) {
      String jobId = jobByRequest.get(request);
      List<Double> values = remaining(frames, jobId, "USD");
      List<Double> expected = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        expected.add(BigDecimal.ONE.subtract(new BigDecimal("0.01").multiply(BigDecimal.valueOf(i))).doubleValue());
      }
      assertValues(expected, values, "job " + jobId);
      JsonObject result = Leases.ofJob(frames, jobId).get(Leases.ofJob(frames, jobId).size() - 1);
      assertEquals("BUDGET_EXHAUSTED", payload(result).getJsonObject("result").getString("authorize"),
          result.encode());
    }
  }

  // ---- fatal mode -------------------------------------------------------------------------------------------

  @Test
  void fatalModeEndsTheJobWithBudgetExhausted() {
    WireClient client = fatal.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("spender", spend(10, 0.4),
        lease("tool.call", "search").put("cost.budget", arr("USD:1.00"))));
    assertEquals("job.error", run.terminal().getString("type"), run.terminal().encode());
    assertErrorPayload(run.outcome(), "error", "BUDGET_EXHAUSTED");
    assertEquals(Boolean.FALSE, run.outcome().getBoolean("retryable"));
    long costs = run.bodies("metric").stream().filter(b -> "cost.search".equals(b.getString("name"))).count();
    assertEquals(3, costs, "the job ended once the budget was used up: " + run.frames());
  }

  @Test
  void fatalModeLeavesJobsWithinBudgetAlone() {
    WireClient client = fatal.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("spender", spend(2, 0.4),
        lease("tool.call", "search").put("cost.budget", arr("USD:1.00"))));
    assertEquals(new JsonObject().put("steps", 2).put("stopped", "completed"), run.result());
  }
}
