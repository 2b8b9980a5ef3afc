package dev.arcpgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.testing.ClusterNodes;
import dev.arcpgateway.testing.ExampleAgent;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11, agents fail over: an example agent process (python3, node) given both nodes' bridge addresses serves
 * through the first; when that node stops, the job it was running there ends retryable for its client, and the
 * process, still running, connects to the other node, announces its agent again and serves the next job there.
 */
class BridgeFailoverTest {

  private static final String AGENT_TOKEN = "failover-agent-token";

  private final ClusterNodes cluster = new ClusterNodes(2);

  @AfterEach
  void close() {
    cluster.close();
  }

  private static JsonObject lastOf(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  @ParameterizedTest
  @EnumSource(value = ExampleAgent.Program.class, names = {"CHATTY_PY", "CHATTY_NODE"})
  void anAgentWhoseNodeStopsServesThroughTheNextNodesBridge(ExampleAgent.Program program) {
    Consumer<GatewayOptions> bridge = options -> options.setDrainTimeoutSec(1).setBridge(new JsonObject()
        .put("port", 0).put("tokens", new JsonArray().add(new JsonObject().put("token", AGENT_TOKEN)
            .put("name", "processes").put("agents", new JsonArray().add(program.agent)))));
    TestGateway a = cluster.start(List.of(), bridge);
    TestGateway b = cluster.start(List.of(), bridge);
    try (ExampleAgent agent = ExampleAgent.startFailingOver(program,
        List.of(a.gateway().bridgePort(), b.gateway().bridgePort()), AGENT_TOKEN)) {
      WireClient client = b.session(TestGateway.ALICE);
      // the process serves through A, the first address: a long job of B's client runs on it there
      String running = client.expectAccepted(client.submit(program.agent, new JsonObject()
          .put("count", 2_000_000).put("size", 16))).getString("job_id");
      client.nextMatching(frame -> "job.event".equals(frame.getString("type"))
          && running.equals(frame.getString("job_id")), "an event of the job running through A");

      cluster.stop(a); // the drain gives it a second, then A's bridge closes and A leaves
      JsonObject lost = lastOf(client.untilTerminal(running));
      assertEquals("job.error", lost.getString("type"), lost.encode());
      assertEquals(true, lost.getJsonObject("payload").getBoolean("retryable"), lost.encode());

      agent.awaitOutput("serving through 127.0.0.1:" + b.gateway().bridgePort(), Duration.ofSeconds(30));
      String next = client.expectAccepted(client.submit(program.agent, new JsonObject().put("count", 3)))
          .getString("job_id");
      JsonObject result = lastOf(client.untilTerminal(next));
      assertEquals("job.result", result.getString("type"), "the next job ran through B: " + result.encode());
      assertTrue(agent.isAlive(), agent.describe());
    }
  }
}
