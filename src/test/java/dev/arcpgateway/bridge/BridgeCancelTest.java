package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.bodies;
import static dev.arcpgateway.bridge.BridgeFixtures.input;
import static dev.arcpgateway.bridge.BridgeFixtures.readLease;
import static dev.arcpgateway.bridge.BridgeFixtures.submit;
import static dev.arcpgateway.bridge.BridgeFixtures.success;
import static dev.arcpgateway.bridge.BridgeFixtures.untilTerminal;
import static dev.arcpgateway.bridge.BridgeFixtures.write;
import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.ofType;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.ExampleAgent;
import dev.arcpgateway.testing.ExampleAgent.Program;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cancel of a long job running in an agent process: job.cancelled then job.error CANCELLED, nothing more of the
 * job reaches the client, the agent stops working on it (it sends nothing more for it: the bridge would refuse
 * such frames and the agent would log the refusal) and its only slot (max_concurrent 1) is free for the next job.
 */
@ExtendWith(VertxExtension.class)
class BridgeCancelTest {

  @TempDir
  static Path dir;
  static Path file;
  static TestGateway gateway;
  static final Map<Program, ExampleAgent> agents = new EnumMap<>(Program.class);

  @BeforeAll
  static void start(Vertx vertx) {
    file = write(dir.resolve("a.txt"), "alpha beta\n");
    gateway = BridgeFixtures.gateway(vertx);
    int port = gateway.gateway().bridgePort();
    for (Program program : List.of(Program.WORDCOUNT_PY, Program.WORDCOUNT_NODE, Program.WORDCOUNT_JAVA)) {
      agents.put(program, ExampleAgent.start(program, port, BridgeFixtures.AGENT_TOKEN, "--max-concurrent", "1"));
    }
  }

  @AfterAll
  static void stop() {
    agents.values().forEach(ExampleAgent::close);
    if (gateway != null) {
      gateway.close();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Program.class, names = {"WORDCOUNT_PY", "WORDCOUNT_NODE", "WORDCOUNT_JAVA"})
  void cancelStopsALongJobMidWay(Program program) {
    ExampleAgent agent = agents.get(program);
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject in = input(Collections.nCopies(40, file)).put("delay_ms", 150);
    String jobId = submit(client, program.agent, in, readLease(dir));
    JsonObject progress = client.nextMatching(f -> "job.event".equals(type(f))
        && "progress".equals(payload(f).getString("kind")) && payload(f).getJsonObject("body").getLong("current") >= 2,
        "the second progress");
    assertEquals(jobId, progress.getString("job_id"));

    JsonObject cancel = Wire.cancel(client.sessionId(), jobId, "enough");
    long cancelledAt = System.nanoTime();
    client.send(cancel);
    List<JsonObject> frames = untilTerminal(client, jobId);
    long tookMs = (System.nanoTime() - cancelledAt) / 1_000_000;
    assertEquals(1, ofType(frames, "job.cancelled").size(), "job.cancelled: " + frames);
    assertTrue(frames.indexOf(ofType(frames, "job.cancelled").get(0)) < frames.size() - 1, "job.cancelled first");
    JsonObject terminal = last(frames);
    assertEquals("job.error", type(terminal));
    assertErrorPayload(payload(terminal), "cancelled", "CANCELLED");
    assertTrue(tookMs < 2_000, "cancel took " + tookMs + " ms");
    List<JsonObject> progressAfter = bodies(frames, "progress");
    assertTrue(progressAfter.stream().allMatch(p -> p.getLong("current") < 40), "the job did not finish: " + frames);

    // the agent stops: nothing more reaches the client, and the agent sent nothing more for the job (the bridge
    // refuses frames for a job the connection no longer runs, and the example libraries log every refusal)
    client.expectSilence(Duration.ofMillis(900));
    assertFalse(agent.stderr().contains("refused a frame"), "the agent kept sending: " + agent.describe());
    assertTrue(agent.isAlive(), agent.describe());

    // its only slot is free again: the next job runs at once and succeeds
    String next = submit(client, program.agent, input(List.of(file)), readLease(dir));
    assertEquals(2, success(untilTerminal(client, next)).getJsonObject("result").getInteger("total"));
  }
}
