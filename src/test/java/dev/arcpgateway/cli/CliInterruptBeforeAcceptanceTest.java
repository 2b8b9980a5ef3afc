package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C on {@code submit} while the runtime has not answered the submission, against a runtime that welcomes the
 * session and then answers nothing: with {@code --detach} nothing is cancelled; without it no job id is known to
 * cancel, and the command says the job may still run.
 */
class CliInterruptBeforeAcceptanceTest {

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
