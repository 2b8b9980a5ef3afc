package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Http;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} serves {@code /metrics} by default, Vert.x's own meters among the gateway's, and not at all with
 * {@code --no-metrics}; {@code /health} and {@code /ready} answer either way.
 */
class ServeMetricsFlagTest {

  private static final Pattern LISTENING = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/arcp");

  private final Vertx vertx = Vertx.vertx();
  private CliProcess serve;

  @AfterEach
  void tearDown() throws Exception {
    if (serve != null) {
      serve.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private int serve(String... flags) {
    List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--token", "alice:tok-metrics"));
    args.addAll(List.of(flags));
    serve = CliProcess.start(Map.of(), args.toArray(String[]::new));
    Matcher listening = LISTENING.matcher(serve.awaitStdout(out -> LISTENING.matcher(out).find(), "listening"));
    assertTrue(listening.find());
    return Integer.parseInt(listening.group(1));
  }

  @Test
  void metricsAreOnByDefaultWithVertxMeters() {
    int port = serve();
    Http http = new Http(vertx);
    assertEquals(200, http.get(port, "/health").status());
    Http.Response metrics = http.get(port, "/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.body().contains("\narcp_jobs_running "), metrics.body());
    assertTrue(metrics.body().contains("vertx_http_server_requests_total{"), "Vert.x's own meters: " + metrics.body());
    assertFalse(metrics.body().contains("vertx_eventbus_"), "the event bus is metered only when asked");
    assertTrue(serve.stderr().isEmpty(), "nothing logged at start: " + serve.stderr());
  }

  @Test
  void theEventBusIsMeteredWhenAsked() {
    int port = serve("--set", "metrics.event_bus=true");
    Http.Response metrics = new Http(vertx).get(port, "/metrics");
    assertTrue(metrics.body().contains("vertx_eventbus_"), "Vert.x's event-bus meters: " + metrics.body());
  }

  @Test
  void noMetricsTurnsThemOff() {
    int port = serve("--no-metrics");
    Http http = new Http(vertx);
    assertEquals(404, http.get(port, "/metrics").status());
    assertEquals(200, http.get(port, "/ready").status());
  }
}
