package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C on {@code submit} while the runtime has not answered the submission yet, against a runtime that welcomes
 * the session and then answers nothing: with {@code --detach} nothing is cancelled; without it no job id is known
 * to cancel, and the command says the job may still run.
 */
class CliInterruptBeforeAcceptanceTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final Promise<Void> submitted = Promise.promise();
  private HttpServer silent;

  @BeforeEach
  void start() throws Exception {
    silent = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      received.add(frame.getString("type"));
      if ("session.hello".equals(frame.getString("type"))) {
        ws.writeTextMessage(new JsonObject().put("arcp", "1.1").put("id", "welcome-1").put("type", "session.welcome")
            .put("session_id", "sess_silent").put("payload", new JsonObject().put("resume_token", "r")
                .put("capabilities", new JsonObject())).encode());
      } else if ("job.submit".equals(frame.getString("type"))) {
        submitted.tryComplete();
      }
    }));
    silent.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void ctrlCOnADetachedSubmitCancelsNothing() throws Exception {
    try (CliProcess submit = CliProcess.start(env(), "submit", "--agent", "echo", "--detach")) {
      submitted.future().await(30, TimeUnit.SECONDS);
      submit.interrupt();
      assertEquals(130, submit.exitCode(), submit::describe);
      assertEquals("interrupted: job.submit was sent; the job may have been accepted and keep running\n",
          submit.stderr(), submit::describe);
      assertTrue(!received.contains("job.cancel"), received::toString);
    }
  }

  @Test
  void ctrlCBeforeAcceptanceSaysTheJobMayStillRun() throws Exception {
    try (CliProcess submit = CliProcess.start(env(), "submit", "--agent", "echo")) {
      submitted.future().await(30, TimeUnit.SECONDS);
      submit.interrupt();
      assertEquals(130, submit.exitCode(), submit::describe);
      assertEquals("interrupted: the job may have been accepted and still run\n", submit.stderr(), submit::describe);
    }
  }

  private Map<String, String> env() {
    return Map.of("ARCP_URL", "ws://127.0.0.1:" + silent.actualPort() + "/arcp", "ARCP_TOKEN", TestGateway.ALICE);
  }
}
