package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.GateAgent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A dropped connection (both sockets cut by a proxy, as a network failure would) is resumed (§6.3): the output
 * continues without duplicates or gaps. The gateway keeps no durable store yet, so "a gateway restarted
 * mid-watch" cannot be resumed by any client and is not tested.
 */
class CliResumeTest {

  private static CliGateway gateway;

  @BeforeAll
  static void start() {
    gateway = new CliGateway();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aDroppedConnectionResumesWithoutDuplicatesOrGaps() throws Exception {
    try (SeveringProxy proxy = SeveringProxy.to(gateway.vertx(), gateway.gateway().port());
         CliProcess submit = CliProcess.start(gateway.alice(proxy.url()), "submit", "--agent", "gate",
             "--input", GateAgent.input("resumed").encode(), "--output", "json")) {
      GateAgent.emit(gateway.vertx(), "resumed", 5);
      submit.awaitStdout(out -> out.contains("step 4"), "the first five events");

      proxy.sever();
      GateAgent.emit(gateway.vertx(), "resumed", 5); // while the client is away or coming back
      submit.awaitStderr(err -> err.contains("resumed session"), "the resume");
      GateAgent.emit(gateway.vertx(), "resumed", 5);
      GateAgent.finish(gateway.vertx(), "resumed");

      assertEquals(0, submit.exitCode(), submit::describe);
      List<String> logs = submit.stdout().lines().map(JsonObject::new)
          .filter(f -> "job.event".equals(f.getString("type")))
          .map(f -> f.getJsonObject("payload").getJsonObject("body").getString("message")).toList();
      assertEquals(IntStream.range(0, 15).mapToObj(i -> "step " + i).toList(), logs, submit::describe);
      assertTrue(submit.stderr().lines()
          .anyMatch(l -> l.startsWith("connection lost (") && l.endsWith("after event 5")), submit::describe);
      assertTrue(submit.stdout().lines().reduce((a, b) -> b).orElseThrow().contains("\"job.result\""),
          submit::describe);
    }
  }

  @Test
  void aSessionThatCannotBeResumedSaysSoAndExits4() throws Exception {
    try (SeveringProxy proxy = SeveringProxy.to(gateway.vertx(), gateway.gateway().port());
         CliProcess watch = CliProcess.start(gateway.alice(proxy.url()), "watch",
             gateway.submitDetached("gate", GateAgent.input("unresumable").encode()))) {
      watch.awaitStderr(err -> err.contains("watching "), "the subscription");
      proxy.close(); // cut, and nobody listens there any more
      assertEquals(4, watch.exitCode(), watch::describe);
      assertTrue(watch.stderr().lines().reduce((a, b) -> b).orElseThrow()
          .startsWith("the connection was lost and session sess_"), watch::describe);
    }
    GateAgent.finish(gateway.vertx(), "unresumable");
  }
}
