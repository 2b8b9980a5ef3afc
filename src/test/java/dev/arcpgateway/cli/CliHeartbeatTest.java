package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A runtime that negotiated heartbeats (§6.4) and then stays silent for two intervals is treated as a dropped
 * connection: the client resumes, and when the runtime refuses the resume it says so and exits 4.
 */
class CliHeartbeatTest {

  @Test
  void aSilentRuntimeIsResumedAndARefusedResumeExits4() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (SilentRuntime silent = SilentRuntime.start(vertx, new JsonObject().put("resume_token", "r")
        .put("heartbeat_interval_sec", 1)
        .put("capabilities", new JsonObject().put("features", new JsonArray().add("heartbeat"))));
         CliProcess watch = CliProcess.start(Map.of("ARCP_URL", silent.url(), "ARCP_TOKEN", TestGateway.ALICE),
             "watch", "job_00000000000000000000000000")) {
      JsonObject resume = silent.first("session.resume").await(30, TimeUnit.SECONDS);

      assertEquals("r", resume.getJsonObject("payload").getString("resume_token"), resume::encode);
      assertEquals(0L, resume.getJsonObject("payload").getLong("last_event_seq"), resume::encode);
      assertEquals(4, watch.exitCode(), watch::describe);
      assertTrue(watch.stderr().startsWith("connection lost (nothing from the runtime for two heartbeat intervals)"),
          watch::describe);
      assertTrue(watch.stderr().endsWith("cannot be resumed: RESUME_WINDOW_EXPIRED: forgotten\n"), watch::describe);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
