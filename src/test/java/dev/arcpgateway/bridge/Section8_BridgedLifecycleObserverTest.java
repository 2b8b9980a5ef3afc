package dev.arcpgateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seed rows §8.1, §8.2, §8.9 for bridged observers: a process whose agent token is granted
 * {@code observe_lifecycle} registers for {@code arcp.lifecycle} over the bridge and receives every job's
 * moments; any other agent token is refused that address (the notes name every principal's jobs).
 */
@ExtendWith(VertxExtension.class)
class Section8_BridgedLifecycleObserverTest {

  static final String OBSERVER_TOKEN = "observer-secret";
  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = BridgeFixtures.gateway(vertx, bridge -> bridge.getJsonArray("tokens").add(new JsonObject()
        .put("token", OBSERVER_TOKEN).put("name", "dashboard").put("observe_lifecycle", true)), options -> { });
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonObject registerLifecycle(String token) {
    return new JsonObject().put("type", "register").put("address", Addresses.LIFECYCLE)
        .put("headers", new JsonObject().put("authorization", "Bearer " + token));
  }

  @Test
  void anObserverTokenReceivesEveryMomentOfAJob() {
    try (BridgeSocket observer = BridgeSocket.connect(gateway.gateway().bridgePort())) {
      observer.send(registerLifecycle(OBSERVER_TOKEN));
      WireClient client = gateway.session(TestGateway.ALICE);
      String jobId = null;
      // the registration has no answer: submit until the observer sees a job it was registered in time for
      List<String> moments = new ArrayList<>();
      while (moments.isEmpty()) {
        jobId = client.expectAccepted(client.submit("echo", "hi")).getString("job_id");
        client.untilTerminal(jobId);
        moments = momentsOf(observer, jobId);
      }
      assertEquals(List.of("queued", "started", "completed"), moments);
    }
  }

  /** The moments of {@code jobId} the observer receives until it sees that job's terminal moment, or nothing. */
  static List<String> momentsOf(BridgeSocket observer, String jobId) {
    List<String> moments = new ArrayList<>();
    JsonObject frame;
    while ((frame = observer.poll(Duration.ofMillis(500))) != null) {
      assertEquals("message", frame.getString("type"), frame.encode());
      assertEquals(Addresses.LIFECYCLE, frame.getString("address"), frame.encode());
      JsonObject note = frame.getJsonObject("body");
      if (jobId.equals(note.getString("job_id"))) {
        assertEquals("alice", note.getString("principal"), note.encode());
        moments.add(note.getString("moment"));
        if ("completed".equals(note.getString("moment"))) {
          break;
        }
      }
    }
    return moments;
  }

  @Test
  void anAgentTokenWithoutTheGrantIsRefusedTheLifecycleAddress() {
    try (BridgeSocket agent = BridgeSocket.connect(gateway.gateway().bridgePort())) {
      agent.send(registerLifecycle(BridgeFixtures.AGENT_TOKEN));
      JsonObject refusal = agent.next();
      assertEquals("err", refusal.getString("type"), refusal.encode());
      WireClient client = gateway.session(TestGateway.ALICE);
      String jobId = client.expectAccepted(client.submit("echo", "hi")).getString("job_id");
      client.untilTerminal(jobId);
      assertTrue(agent.poll(Duration.ofMillis(300)) == null, "nothing reaches a refused registration");
    }
  }

  @Test
  void anObserverOnlyTokenCannotAnnounceAgents() {
    try (BridgeSocket observer = BridgeSocket.connect(gateway.gateway().bridgePort())) {
      observer.register(OBSERVER_TOKEN);
      JsonObject answer = observer.request("arcp.bridge.announce", new JsonObject().put("name", "sneaky")
          .put("version", "1.0.0").put("inbox", observer.inbox), "announce-1");
      assertEquals("err", answer.getString("type"), answer.encode());
      assertTrue(answer.getString("message").contains("PERMISSION_DENIED"), answer.encode());
    }
  }
}
