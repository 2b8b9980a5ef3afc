package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve} runs the demo agents by default; {@code --no-demo-agents} leaves a node's agents to the other
 * cluster nodes and to bridged processes (how the cluster benchmark puts the agent on another node).
 */
class ServeDemoAgentsFlagTest {

  private static final String TOKEN = "tok-demo";
  private final Vertx vertx = Vertx.vertx();
  private CliProcess serve;

  @AfterEach
  void tearDown() throws Exception {
    if (serve != null) {
      serve.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private JsonArray welcomedAgents(String... flags) {
    String[] args = new String[flags.length + 5];
    System.arraycopy(new String[] {"serve", "--port", "0", "--token", "alice:" + TOKEN}, 0, args, 0, 5);
    System.arraycopy(flags, 0, args, 5, flags.length);
    serve = CliProcess.start(Map.of(), args);
    WireClient client = WireClient.connect(vertx, serve.listeningPort());
    client.hello(TOKEN);
    JsonArray agents = client.welcome().getJsonObject("payload").getJsonObject("capabilities")
        .getJsonArray("agents");
    client.close();
    return agents;
  }

  @Test
  void theDemoAgentsRunByDefault() {
    assertTrue(welcomedAgents().encode().contains("\"echo\""));
  }

  @Test
  void noDemoAgentsLeavesTheInventoryEmpty() {
    assertEquals(new JsonArray(), welcomedAgents("--no-demo-agents"));
  }
}
