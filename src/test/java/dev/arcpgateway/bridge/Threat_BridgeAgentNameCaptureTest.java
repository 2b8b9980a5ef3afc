package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.submit;
import static dev.arcpgateway.bridge.BridgeFixtures.success;
import static dev.arcpgateway.bridge.BridgeFixtures.untilTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.agent.bridge.BridgeSettings;
import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agent tokens cannot capture other agents' jobs (issue 8 item 3): a token grants only the names it lists, an
 * all-names grant is spelled {@code *} and logged at startup, and a name served by a Java agent or by another
 * token's processes cannot be announced at all — in any version, default or not.
 */
@ExtendWith(VertxExtension.class)
class Threat_BridgeAgentNameCaptureTest {

  static final String OTHER_TOKEN = "other-agent-secret";
  static final Logger AUTHENTICATOR_LOG = Logger.getLogger("dev.arcpgateway.agent.bridge.AgentAuthenticator");
  static final List<String> startupLog = new ArrayList<>();
  static final Handler CAPTURE = new Handler() {
    @Override
    public void publish(LogRecord record) {
      synchronized (startupLog) {
        startupLog.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  static TestGateway gateway;
  static int port;
  final List<BridgeSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    AUTHENTICATOR_LOG.addHandler(CAPTURE);
    try {
      gateway = BridgeFixtures.gateway(vertx, bridge -> bridge.put("tokens", bridge.getJsonArray("tokens").copy()
          .add(new JsonObject().put("token", OTHER_TOKEN).put("name", "other").put("agents",
              new JsonArray().add("*")))), options -> { });
    } finally {
      AUTHENTICATOR_LOG.removeHandler(CAPTURE);
    }
    port = gateway.gateway().bridgePort();
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(BridgeSocket::close);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  BridgeSocket registered(String token) {
    BridgeSocket socket = BridgeSocket.connect(port).register(token);
    sockets.add(socket);
    return socket;
  }

  static JsonObject announce(BridgeSocket socket, String name, String version, boolean isDefault, String reply) {
    return socket.request("arcp.bridge.announce", new JsonObject().put("name", name).put("version", version)
        .put("default", isDefault).put("inbox", socket.inbox), reply);
  }

  static void assertAnnounced(JsonObject answer) {
    assertEquals("message", answer.getString("type"), answer.encode());
    assertTrue(answer.getJsonObject("body").getBoolean("ok"), answer.encode());
  }

  static void assertRefused(JsonObject answer) {
    assertEquals("err", answer.getString("type"), answer.encode());
    assertEquals(4000, answer.getInteger("failureCode"), answer.encode());
    assertEquals("PERMISSION_DENIED", new JsonObject(answer.getString("message")).getString("code"), answer.encode());
  }

  @Test
  void aNameAJavaAgentServesCannotBeAnnouncedInAnyVersion() {
    BridgeSocket thief = registered(BridgeFixtures.AGENT_TOKEN);
    assertRefused(announce(thief, "echo", "2.0.0", false, "a-1")); // the Java echo's own default version
    assertRefused(announce(thief, "echo", "1.0.0", false, "a-2"));
    assertRefused(announce(thief, "echo", "9.9.9", true, "a-3")); // a newer default would capture bare submits

    WireClient client = gateway.session(TestGateway.ALICE);
    for (String agent : List.of("echo", "echo@1.0.0", "echo@2.0.0", "echo", "echo@2.0.0")) {
      String jobId = submit(client, agent, new JsonObject().put("secret", "input"), null);
      JsonObject result = success(untilTerminal(client, jobId)).getJsonObject("result");
      assertEquals(new JsonObject().put("secret", "input"), result.getJsonObject("input"), result.encode());
    }
    assertNull(thief.poll(Duration.ofMillis(200)), "the refused process received nothing");
  }

  @Test
  void aNameAnotherTokensProcessesServeCannotBeAnnounced() {
    BridgeSocket owner = registered(BridgeFixtures.AGENT_TOKEN);
    assertAnnounced(announce(owner, "owned-name", "1.0.0", true, "o-1"));
    BridgeSocket other = registered(OTHER_TOKEN);
    assertRefused(announce(other, "owned-name", "1.0.0", false, "x-1"));
    assertRefused(announce(other, "owned-name", "2.0.0", true, "x-2"));
    // another process of the same token shares the name, as documented
    BridgeSocket sameOwner = registered(BridgeFixtures.AGENT_TOKEN);
    assertAnnounced(announce(sameOwner, "owned-name", "1.0.0", true, "o-2"));

    WireClient client = gateway.session(TestGateway.ALICE);
    for (int i = 0; i < 4; i++) {
      String jobId = submit(client, "owned-name", new JsonObject(), null);
      JsonObject dispatch = pollDispatch(List.of(owner, sameOwner));
      assertEquals(jobId, dispatch.getString("job_id"));
      BridgeSocket runner = dispatch.getBoolean("first") ? owner : sameOwner;
      runner.sendTo("arcp.job." + jobId, new JsonObject().put("op", "result")
          .put("job_token", dispatch.getString("job_token")).put("result", i));
      assertEquals(i, success(untilTerminal(client, jobId)).getInteger("result"));
    }
    assertNull(other.poll(Duration.ofMillis(200)), "the refused token's process received nothing");
  }

  @Test
  void anAllNamesGrantIsLoggedAtStartup() {
    synchronized (startupLog) {
      assertTrue(startupLog.stream().anyMatch(line -> line.contains("'examples'") && line.contains("any agent name")),
          startupLog.toString());
      assertTrue(startupLog.stream().anyMatch(line -> line.contains("'other'") && line.contains("any agent name")),
          startupLog.toString());
    }
  }

  @Test
  void aTokenWithoutTheNamesItGrantsIsRefused() {
    IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
        () -> BridgeSettings.tokenFromSpec("just-a-token"));
    assertTrue(bare.getMessage().contains("TOKEN:*"), bare.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BridgeSettings.tokenFromSpec("tok:"));
    assertThrows(IllegalArgumentException.class, () -> BridgeSettings.tokenFromSpec("tok:Not A Name"));
    assertEquals(new JsonObject().put("token", "tok").put("agents", new JsonArray().add("a").add("b")),
        BridgeSettings.tokenFromSpec("tok:a, b"));
    assertEquals(new JsonObject().put("token", "tok").put("agents", new JsonArray().add("*")),
        BridgeSettings.tokenFromSpec("tok:*"));
    // the same rule for bridge.tokens in the configuration: no "agents", no grant
    IllegalArgumentException config = assertThrows(IllegalArgumentException.class, () -> BridgeSettings.fromJson(
        new JsonObject().put("tokens", new JsonArray().add(new JsonObject().put("token", "t").put("name", "n")))));
    assertTrue(config.getMessage().contains("agents"), config.getMessage());
  }

  /** The next dispatch to either socket, its body marked with which one ({@code first}). */
  private static JsonObject pollDispatch(List<BridgeSocket> candidates) {
    long deadline = System.nanoTime() + BridgeSocket.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < candidates.size(); i++) {
        JsonObject frame = candidates.get(i).poll(Duration.ofMillis(20));
        if (frame != null && "message".equals(frame.getString("type"))
            && "dispatch".equals(frame.getJsonObject("body").getString("op"))) {
          return frame.getJsonObject("body").copy().put("first", i == 0);
        }
      }
    }
    throw new AssertionError("no dispatch within " + BridgeSocket.WAIT);
  }
}
