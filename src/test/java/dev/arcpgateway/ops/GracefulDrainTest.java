package dev.arcpgateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Http;
import dev.arcpgateway.testing.JobFrames;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Gateway.close()} drains: the node turns not-ready and refuses new sessions and submits with a retryable
 * INTERNAL_ERROR, running jobs finish within {@code drain_timeout_sec} (the rest end with a retryable
 * INTERNAL_ERROR), and every client then gets {@code session.closed} and a 1001 close.
 */
@ExtendWith(VertxExtension.class)
class GracefulDrainTest {

  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static JsonObject slow(double seconds) {
    return new JsonObject().put("seconds", seconds);
  }

  /** Submits a slow job and waits until it runs (its first progress event); returns the job id. */
  private static String running(WireClient client, double seconds) {
    client.submit("slow", slow(seconds));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.nextMatching(f -> "job.event".equals(f.getString("type")) && jobId.equals(f.getString("job_id"))
        && "progress".equals(f.getJsonObject("payload").getString("kind")), "a progress event");
    return jobId;
  }

  private static void assertRetryableInternalError(JsonObject payload) {
    assertEquals("INTERNAL_ERROR", payload.getString("code"), payload.encode());
    assertEquals(Boolean.TRUE, payload.getBoolean("retryable"), payload.encode());
  }

  /** After the job's last frame: {@code session.closed}, then the socket closes with 1001 (going away). */
  private static void assertGoneAway(WireClient client) {
    JsonObject closed = client.nextOfType("session.closed");
    assertEquals(client.sessionId(), closed.getString("session_id"));
    assertEquals(1001, client.awaitClose());
  }

  @Test
  void aRunningJobFinishesWhileTheNodeRefusesNewWork(Vertx vertx) throws Exception {
    gateway = TestGateway.start(vertx, options -> options.setDrainTimeoutSec(30));
    WireClient worker = gateway.session(TestGateway.ALICE);
    WireClient idle = gateway.session(TestGateway.ALICE);
    String jobId = running(worker, 1.5);

    Future<Void> drained = gateway.gateway().close();
    assertTrue(gateway.gateway().draining());

    Http.Response ready = new Http(vertx).get(gateway.port(), "/ready");
    assertEquals(503, ready.status(), ready.body());
    assertTrue(ready.body().contains("not-draining"), ready.body());

    JsonObject refusedSubmit = idle.submit(new JsonObject().put("agent", "echo").put("input", "late"));
    JsonObject placeholder = JobFrames.assertRejectedSubmit(idle, refusedSubmit, "INTERNAL_ERROR");
    assertRetryableInternalError(placeholder.getJsonObject("payload"));

    WireClient newcomer = gateway.connect();
    newcomer.send(Wire.hello(TestGateway.ALICE));
    JsonObject refusedHello = newcomer.expect("session.error");
    assertRetryableInternalError(refusedHello.getJsonObject("payload"));

    List<JsonObject> frames = worker.untilTerminal(jobId);
    JsonObject result = frames.get(frames.size() - 1);
    assertEquals("job.result", result.getString("type"), result.encode());
    assertEquals(1.5, result.getJsonObject("payload").getJsonObject("result").getDouble("slept"));
    assertGoneAway(worker);
    assertGoneAway(idle);
    drained.await(10, TimeUnit.SECONDS);
  }

  @Test
  void jobsStillRunningAtTheDrainTimeoutEndRetryable(Vertx vertx) throws Exception {
    gateway = TestGateway.start(vertx, options -> options.setDrainTimeoutSec(1));
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = running(client, 60);

    Future<Void> drained = gateway.gateway().close();

    List<JsonObject> frames = client.untilTerminal(jobId);
    JsonObject error = frames.get(frames.size() - 1);
    assertEquals("job.error", error.getString("type"), error.encode());
    JobFrames.assertErrorPayload(error.getJsonObject("payload"), "error", "INTERNAL_ERROR");
    assertRetryableInternalError(error.getJsonObject("payload"));
    assertGoneAway(client);
    drained.await(10, TimeUnit.SECONDS);
  }

  @Test
  void aNodeWithoutJobsDrainsAtOnce(Vertx vertx) throws Exception {
    gateway = TestGateway.start(vertx, options -> options.setDrainTimeoutSec(30));
    WireClient client = gateway.session(TestGateway.ALICE);
    long start = System.nanoTime();
    gateway.gateway().close().await(10, TimeUnit.SECONDS);
    assertGoneAway(client);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "no wait for the 30 s timeout");
  }
}
