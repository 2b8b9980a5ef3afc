package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Http;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a {@code serve} process drains it: a running job finishes within {@code --drain-timeout-sec} and its
 * client gets the result, or, past the timeout, a retryable INTERNAL_ERROR; then {@code session.closed}, a 1001
 * close and exit 0. A second SIGTERM stops the process at once.
 */
class ServeSigtermDrainTest {

  private static final String TOKEN = "tok-drain";
  private static final Pattern LISTENING = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/arcp");

  private Vertx vertx;
  private CliProcess serve;
  private WireClient client;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close();
    }
    if (serve != null) {
      serve.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Starts {@code serve} with {@code --drain-timeout-sec drainSec}; returns its port. */
  private int serve(int drainSec) {
    serve = CliProcess.start(Map.of(), "serve", "--port", "0", "--token", "alice:" + TOKEN,
        "--drain-timeout-sec", String.valueOf(drainSec));
    Matcher listening = LISTENING.matcher(serve.awaitStdout(out -> LISTENING.matcher(out).find(), "listening"));
    assertTrue(listening.find());
    return Integer.parseInt(listening.group(1));
  }

  /** A session running a {@code slow} job of {@code seconds}, once the job reported progress; returns its id. */
  private String runningSlowJob(int port, double seconds) {
    client = WireClient.connect(vertx, port);
    client.hello(TOKEN);
    client.submit("slow", new JsonObject().put("seconds", seconds));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.nextMatching(f -> "job.event".equals(f.getString("type")), "a progress event");
    return jobId;
  }

  private JsonObject terminal(String jobId) {
    List<JsonObject> frames = client.untilTerminal(jobId);
    return frames.get(frames.size() - 1);
  }

  private void assertGoneAwayAndExitedZero() {
    client.nextOfType("session.closed");
    assertEquals(1001, client.awaitClose());
    assertEquals(0, serve.exitCode(), serve::describe);
  }

  @Test
  void aRunningJobFinishesAndItsClientSeesTheResult() {
    int port = serve(30);
    String jobId = runningSlowJob(port, 2);
    long signalled = System.nanoTime();
    serve.terminate();
    serve.awaitStderr(err -> err.contains("draining"), "the drain announced");
    assertEquals(503, new Http(vertx).get(port, "/ready").status(), "not ready while draining");

    JsonObject result = terminal(jobId);
    assertEquals("job.result", result.getString("type"), result.encode());
    assertEquals(2, result.getJsonObject("payload").getJsonObject("result").getInteger("slept"));
    assertGoneAwayAndExitedZero();
    assertTrue(System.nanoTime() - signalled < TimeUnit.SECONDS.toNanos(30), "within the drain timeout");
  }

  @Test
  void pastTheDrainTimeoutTheClientSeesARetryableError() {
    int port = serve(1);
    String jobId = runningSlowJob(port, 120);
    serve.terminate();

    JsonObject error = terminal(jobId);
    assertEquals("job.error", error.getString("type"), error.encode());
    assertEquals("INTERNAL_ERROR", error.getJsonObject("payload").getString("code"), error.encode());
    assertEquals(Boolean.TRUE, error.getJsonObject("payload").getBoolean("retryable"), error.encode());
    assertGoneAwayAndExitedZero();
  }

  @Test
  void aSecondSigtermStopsAtOnce() {
    int port = serve(120);
    runningSlowJob(port, 120);
    serve.terminate();
    serve.awaitStderr(err -> err.contains("draining"), "the drain announced");
    serve.terminate();
    assertEquals(143, serve.exitCode(), serve::describe);
    assertTrue(serve.stderr().contains("stopping now"), serve::describe);
  }
}
