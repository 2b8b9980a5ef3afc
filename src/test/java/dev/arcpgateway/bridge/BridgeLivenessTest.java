package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.input;
import static dev.arcpgateway.bridge.BridgeFixtures.readLease;
import static dev.arcpgateway.bridge.BridgeFixtures.submit;
import static dev.arcpgateway.bridge.BridgeFixtures.untilTerminal;
import static dev.arcpgateway.bridge.BridgeFixtures.write;
import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.ExampleAgent;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness with {@code job_heartbeat_sec} 1 and {@code job_liveness_timeout_sec} 3: the example agents heartbeat
 * their running jobs at the interval the announce answer gives, so a job silent for longer than the timeout
 * survives; an agent that takes a job and says nothing loses it with a retryable INTERNAL_ERROR.
 */
@ExtendWith(VertxExtension.class)
class BridgeLivenessTest {

  @TempDir
  static Path dir;
  static Path file;
  static TestGateway gateway;
  static final List<ExampleAgent> agents = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    file = write(dir.resolve("a.txt"), "one two three\n");
    gateway = BridgeFixtures.gateway(vertx, b -> { },
        options -> options.setJobHeartbeatSec(1).setJobLivenessTimeoutSec(3));
    agents.addAll(BridgeFixtures.wordCounters(gateway));
  }

  @AfterAll
  static void stop() {
    agents.forEach(ExampleAgent::close);
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void heartbeatsKeepAJobAliveThatIsSilentForLongerThanTheLivenessTimeout() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject in = input(List.of(file)).put("delay_ms", 4_500); // 4.5 s without an event
    Map<String, String> jobs = new HashMap<>();
    for (ExampleAgent agent : agents) {
      jobs.put(submit(client, agent.program().agent, in, readLease(dir)), agent.program().agent);
    }
    Map<String, JsonObject> terminals = new HashMap<>();
    while (terminals.size() < jobs.size()) {
      JsonObject frame = client.next(Duration.ofSeconds(15));
      if (("job.result".equals(type(frame)) || "job.error".equals(type(frame))) && frame.containsKey("event_seq")) {
        terminals.put(frame.getString("job_id"), frame);
      }
    }
    terminals.forEach((jobId, terminal) -> assertEquals("job.result", type(terminal),
        jobs.get(jobId) + " lost its job although it heartbeats: " + terminal.encode()));
  }

  @Test
  void anAgentThatGoesSilentLosesItsJob() {
    try (BridgeSocket silent = BridgeSocket.announced(gateway.gateway().bridgePort(), BridgeFixtures.AGENT_TOKEN,
        "silent", "1.0.0", 1)) {
      WireClient client = gateway.session(TestGateway.ALICE);
      String jobId = submit(client, "silent", new JsonObject(), null);
      JsonObject dispatch = silent.nextInbox();
      assertEquals("dispatch", dispatch.getString("op"));
      assertEquals(1, dispatch.getInteger("heartbeat_sec"), dispatch.encode());
      long dispatchedAt = System.nanoTime();
      List<JsonObject> frames = untilTerminal(client, jobId);
      long tookMs = (System.nanoTime() - dispatchedAt) / 1_000_000;
      JsonObject terminal = last(frames);
      assertErrorPayload(payload(terminal), "error", "INTERNAL_ERROR");
      assertTrue(payload(terminal).getBoolean("retryable"));
      assertEquals("silent@1.0.0", payload(terminal).getJsonObject("details").getString("agent"), terminal.encode());
      assertTrue(tookMs >= 2_500 && tookMs < 6_000, "lost after " + tookMs + " ms (timeout 3 s, sweep every 1 s)");
      JsonObject cancel = silent.nextInbox();
      assertEquals("cancel", cancel.getString("op"), "the agent is told: " + cancel.encode());
      assertEquals(jobId, cancel.getString("job_id"));
    }
  }
}
