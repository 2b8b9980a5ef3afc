package dev.arcpgateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.EmbeddedPg;
import dev.arcpgateway.testing.Http;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} over real HTTP, parsed as Prometheus text: Vert.x's own meters and the gateway's
 * ({@code arcp_…}), which move when a job runs; with {@code metrics.enabled} false there is no {@code /metrics}.
 */
class PrometheusMetricsTest {

  /** One sample line of the text exposition format: name, optional labels, value. */
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");
  private static final String ECHO = "arcp_job_duration_seconds_count{agent=\"echo@2.0.0\",status=\"success\"}";

  private static final String AGENT_TOKEN = "agent-metered";
  private static final int LAG = 50;

  static Vertx vertx;
  static TestGateway gateway;
  static Http http;

  @BeforeAll
  static void start() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    vertx = VertxMeters.builder(new VertxOptions(), registry, true).build();
    JsonObject bridge = new JsonObject().put("port", 0).put("tokens", new JsonArray().add(new JsonObject()
        .put("token", AGENT_TOKEN).put("name", "metered").put("agents", new JsonArray().add("*"))));
    gateway = TestGateway.start(vertx, options -> options.setBackPressureLag(LAG).setBridge(bridge), List.of(),
        builder -> builder.meterRegistry(registry));
    http = new Http(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Every sample of a scrape by name and labels; fails on a line that is not Prometheus text. */
  private static Map<String, Double> scrape() {
    return scrape(gateway);
  }

  private static Map<String, Double> scrape(TestGateway gateway) {
    Http.Response response = http.get(gateway.port(), "/metrics");
    assertEquals(200, response.status());
    assertTrue(response.headers().get("content-type").startsWith("text/plain"), response.headers().toString());
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertTrue(sample.matches(), "not a Prometheus sample: " + line);
      samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)),
          Double.parseDouble(sample.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
    }
    return samples;
  }

  private static double value(Map<String, Double> samples, String key) {
    return samples.getOrDefault(key, 0.0);
  }

  /**
   * Scrapes until {@code key} has {@code expected}: gauges fed by published inventories and closing sockets
   * follow the event that moved them by a hop on the event bus. Fails after ten seconds.
   */
  private static void awaitSample(String key, double expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    double seen;
    while ((seen = value(scrape(), key)) != expected) {
      assertTrue(System.nanoTime() < deadline, key + " stayed " + seen + ", expected " + expected);
      Thread.sleep(20);
    }
  }

  @Test
  void bridgeConnectionsAndAgentsOnlineFollowAnAgentProcess() throws Exception {
    double online = value(scrape(), "arcp_agents_online");
    try (BridgeSocket agent = BridgeSocket.announced(gateway.gateway().bridgePort(), AGENT_TOKEN, "metered", "1.0.0",
        1)) {
      awaitSample("arcp_bridge_connections", 1);
      awaitSample("arcp_agents_online", online + 1);
    }
    awaitSample("arcp_bridge_connections", 0);
    awaitSample("arcp_agents_online", online);
  }

  @Test
  void backPressureSignalsAreCounted() {
    double before = value(scrape(), "arcp_back_pressure_signals_total");
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Continuity.ack(client.sessionId(), 0)); // it acknowledges, then lags behind
    client.submit("chatty", new JsonObject().put("count", 5 * LAG).put("size", 16));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.nextMatching(f -> f.getJsonObject("payload").getJsonObject("body", new JsonObject())
        .getString("phase", "").equals("back_pressure"), "a back_pressure status");
    client.send(Wire.cancel(client.sessionId(), jobId, "seen enough"));
    client.untilTerminal(jobId);
    assertEquals(before + 1, value(scrape(), "arcp_back_pressure_signals_total"));
  }

  @Test
  void gatewayMetersMoveWhenAJobRuns() throws Exception {
    Map<String, Double> before = scrape();
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("echo", new JsonObject().put("text", "hi"));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.untilTerminal(jobId);

    Map<String, Double> after = scrape();
    assertEquals(value(before, ECHO) + 1, value(after, ECHO), "one more echo job ended in success");
    assertTrue(value(after, "arcp_events_emitted_total") > value(before, "arcp_events_emitted_total"));
    assertTrue(value(after, "arcp_events_delivered_total") > value(before, "arcp_events_delivered_total"));
    String lastBucket = "arcp_job_duration_seconds_bucket{agent=\"echo@2.0.0\",status=\"success\",le=\"+Inf\"}";
    assertTrue(after.containsKey(lastBucket), "the duration is a histogram: " + after.keySet());
    awaitSample("arcp_jobs_running", 0); // a job stops counting as running just after its last frame went out
    assertTrue(after.get("arcp_agents_online") >= 1, "the demo agents are online");
    for (String gauge : List.of("arcp_sessions_open", "arcp_sessions_parked", "arcp_bridge_connections",
        "arcp_resume_replays_total", "arcp_back_pressure_signals_total")) {
      assertTrue(after.containsKey(gauge), gauge + " in " + after.keySet());
    }
  }

  @Test
  void leaseDenialsAndBudgetSpentAreCounted() {
    Map<String, Double> before = scrape();
    WireClient client = gateway.session(TestGateway.ALICE);
    Leases.Run run = Leases.run(client, Leases.payload("spender",
        new JsonObject().put("steps", 10).put("cost", 0.4).put("currency", "USD"),
        Leases.lease("tool.call", "search").put("cost.budget", Leases.arr("USD:1.00"))));
    assertEquals("BUDGET_EXHAUSTED", run.result().getString("stopped"));

    Map<String, Double> after = scrape();
    String spent = "arcp_budget_spent_total{currency=\"USD\"}";
    assertEquals(1.2, value(after, spent) - value(before, spent), 1e-9, "three charges of 0.4");
    String denied = "arcp_lease_denials_total{capability=\"tool.call\"}";
    assertEquals(1.0, value(after, denied) - value(before, denied), "the call past the budget");
  }

  /**
   * The durable store's calls are timed; the memory store's are not (it answers within the call: there is no
   * latency to see, and timing it cost every job and event two clock reads and a histogram update).
   */
  @Test
  void theDurableStoresCallsAreTimedAndTheMemoryStoresAreNot() throws Exception {
    String puts = "arcp_store_latency_seconds_count{operation=\"jobs.put\"}";
    WireClient client = gateway.session(TestGateway.ALICE);
    client.untilTerminal(client.expectAccepted(client.submit("echo", "timed?")).getString("job_id"));
    // this class's gateway is on the memory store, unless the run puts every test gateway on PostgreSQL
    assertEquals(TestGateway.ON_PG, scrape().containsKey(puts), "timed only when the store is durable");

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx pgVertx = VertxMeters.builder(new VertxOptions(), registry, true).build();
    try (TestGateway onPg = TestGateway.start(pgVertx, options -> options.setStore(new JsonObject().put("type", "pg")
        .put("uri", EmbeddedPg.freshDatabase())), List.of(), builder -> builder.meterRegistry(registry))) {
      WireClient pgClient = onPg.session(TestGateway.ALICE);
      pgClient.untilTerminal(pgClient.expectAccepted(pgClient.submit("echo", "timed")).getString("job_id"));
      assertTrue(value(scrape(onPg), puts) >= 1, "the job's snapshot was stored on PostgreSQL, timed");
    } finally {
      pgVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aResumeCountsItsReplay() {
    Map<String, Double> before = scrape();
    WireClient first = gateway.session(TestGateway.ALICE);
    first.submit("echo", new JsonObject().put("text", "again"));
    String jobId = first.expect("job.accepted").getString("job_id");
    first.untilTerminal(jobId);
    first.drop();

    WireClient resumed = gateway.connect();
    resumed.send(Continuity.helloResume(TestGateway.ALICE, first.sessionId(), Continuity.resumeToken(first), 0));
    resumed.expect("session.welcome");
    resumed.untilTerminal(jobId);

    Map<String, Double> after = scrape();
    assertEquals(1.0, value(after, "arcp_resume_replays_total") - value(before, "arcp_resume_replays_total"));
    assertTrue(value(after, "arcp_resume_replay_frames_sum") - value(before, "arcp_resume_replay_frames_sum") >= 1,
        "the job's frames were replayed: " + after);
  }

  @Test
  void vertxOwnMetersAreThere() {
    scrape();
    Map<String, Double> samples = scrape();
    assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("vertx_http_server_requests_total")),
        "Vert.x HTTP server meters: " + samples.keySet());
    assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("vertx_eventbus_")),
        "Vert.x event-bus meters: " + samples.keySet());
  }

  @Test
  void withMetricsOffThereIsNoMetricsPath() throws Exception {
    Vertx plain = Vertx.vertx();
    TestGateway off = TestGateway.start(plain, options -> options.setMetricsEnabled(false));
    try {
      assertEquals(404, new Http(plain).get(off.port(), "/metrics").status());
      assertEquals(200, new Http(plain).get(off.port(), "/ready").status());
    } finally {
      off.close();
      plain.close().await(10, TimeUnit.SECONDS);
    }
  }
}
