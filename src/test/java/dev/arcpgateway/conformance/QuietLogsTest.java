package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.LogCapture;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threat: noise that hides real problems. Ordinary sequences — jobs run to their end, a client that sends
 * {@code session.close} and closes its socket at once (as the Java SDK always does), a stdio session closed by
 * {@code session.close} — are expected conditions, and log nothing at WARNING or above.
 */
@ExtendWith(VertxExtension.class)
class QuietLogsTest {

  @Test
  void ordinaryJobsAndAnAbruptCloseLogNothing(Vertx vertx) {
    try (TestGateway gateway = TestGateway.start(vertx); LogCapture logs = LogCapture.start()) {
      for (int round = 0; round < 20; round++) {
        WireClient client = gateway.session(TestGateway.ALICE);
        for (String agent : List.of("echo", "chatty")) {
          client.submit(agent, new JsonObject().put("round", round));
          client.untilTerminal(client.expect("job.accepted").getString("job_id"));
        }
        client.send(Continuity.close(client.sessionId(), "done"));
        client.close(); // at once, without waiting for session.closed
      }
      // the last close has been handled once a later session round-trips through the same verticles
      WireClient later = gateway.session(TestGateway.BOB);
      later.submit("echo", new JsonObject());
      later.untilTerminal(later.expect("job.accepted").getString("job_id"));
      assertEquals(List.of(), logs.lines());
    }
  }

  @Test
  void aStdioSessionClosedBySessionCloseLogsNothing() throws Exception {
    File stderr = File.createTempFile("arcp-stdio-", ".stderr");
    stderr.deleteOnExit();
    try (StdioTransportTest.Child child = new StdioTransportTest.Child(stderr.toPath())) {
      child.send(Wire.hello(StdioTransportTest.TOKEN));
      String sessionId = child.expect("session.welcome").getString("session_id");
      child.send(Wire.submit(sessionId, "echo", new JsonObject()));
      child.expect("job.accepted");
      child.expect("job.result");
      child.send(Continuity.close(sessionId, "done"));
      child.expect("session.closed");
      assertTrue(child.process.waitFor(10, TimeUnit.SECONDS), child.stderrText());
      String log = child.stderrText();
      for (String noise : List.of("WARNING", "SEVERE", "Exception")) {
        assertTrue(!log.contains(noise), () -> "stderr mentions " + noise + ":\n" + log);
      }
    }
  }
}
