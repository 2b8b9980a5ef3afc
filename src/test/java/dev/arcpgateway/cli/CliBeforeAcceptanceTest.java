package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code submit} against a runtime that welcomes the session and then answers nothing: what the submission
 * carries, and Ctrl-C before it is answered — with {@code --detach} nothing is cancelled; without it no job id is
 * known to cancel, and the command says the job may still run.
 */
class CliBeforeAcceptanceTest {

  private final Vertx vertx = Vertx.vertx();
  private SilentRuntime silent;

  @BeforeEach
  void start() throws Exception {
    silent = SilentRuntime.start(vertx, new JsonObject().put("resume_token", "r"));
  }

  @AfterEach
  void stop() throws Exception {
    silent.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theSubmissionCarriesTheOptions() throws Exception {
    try (CliProcess submit = CliProcess.start(env(), "submit", "--agent", "echo@1.0.0", "--input", "[1]",
        "--idempotency-key", "k-1", "--max-runtime-sec", "30", "--lease", "{\"fs.read\": [\"/ws/**\"]}",
        "--lease-constraints", "{\"expires_in_s\": 60}", "--ext", "x-vendor.n={\"a\": 1}", "--ext", "x-vendor.s=text",
        "--detach")) {
      JsonObject payload = silent.first("job.submit").await(30, TimeUnit.SECONDS).getJsonObject("payload");
      assertEquals(new JsonObject().put("agent", "echo@1.0.0").put("input", new JsonArray().add(1))
          .put("lease_request", new JsonObject().put("fs.read", new JsonArray().add("/ws/**")))
          .put("lease_constraints", new JsonObject().put("expires_in_s", 60))
          .put("idempotency_key", "k-1").put("max_runtime_sec", 30)
          .put("x-vendor.n", new JsonObject().put("a", 1)).put("x-vendor.s", "text"), payload);
    }
  }

  @Test
  void ctrlCOnADetachedSubmitCancelsNothing() throws Exception {
    try (CliProcess submit = CliProcess.start(env(), "submit", "--agent", "echo", "--detach")) {
      silent.first("job.submit").await(30, TimeUnit.SECONDS);
      submit.interrupt();
      assertEquals(130, submit.exitCode(), submit::describe);
      assertEquals("interrupted: job.submit was sent; the job may have been accepted and keep running\n",
          submit.stderr(), submit::describe);
      assertFalse(silent.received("job.cancel"));
    }
  }

  @Test
  void ctrlCBeforeAcceptanceSaysTheJobMayStillRun() throws Exception {
    try (CliProcess submit = CliProcess.start(env(), "submit", "--agent", "echo")) {
      silent.first("job.submit").await(30, TimeUnit.SECONDS);
      submit.interrupt();
      assertEquals(130, submit.exitCode(), submit::describe);
      assertEquals("interrupted: the job may have been accepted and still run\n", submit.stderr(), submit::describe);
    }
  }

  private Map<String, String> env() {
    return Map.of("ARCP_URL", silent.url(), "ARCP_TOKEN", TestGateway.ALICE);
  }
}
