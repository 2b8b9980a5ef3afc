package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.input;
import static dev.arcpgateway.bridge.BridgeFixtures.readLease;
import static dev.arcpgateway.bridge.BridgeFixtures.submit;
import static dev.arcpgateway.bridge.BridgeFixtures.success;
import static dev.arcpgateway.bridge.BridgeFixtures.untilTerminal;
import static dev.arcpgateway.bridge.BridgeFixtures.write;
import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent process that dies (kill -9) ends its running jobs at once with a retryable INTERNAL_ERROR naming the
 * agent; the agent leaves the welcome inventory with its last process and comes back when announced again.
 */
@ExtendWith(VertxExtension.class)
class BridgeDisconnectTest {

  @TempDir
  static Path dir;
  static Path file;
  static TestGateway gateway;
  final List<ExampleAgent> agents = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    file = write(dir.resolve("a.txt"), "one two three four\n");
    gateway = BridgeFixtures.gateway(vertx);
  }

  @AfterEach
  void stopAgents() {
    agents.forEach(ExampleAgent::close);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  ExampleAgent startAgent(Program program, String... args) {
    ExampleAgent agent = ExampleAgent.start(program, gateway.gateway().bridgePort(), BridgeFixtures.AGENT_TOKEN, args);
    agents.add(agent);
    return agent;
  }

  /** The welcome inventory entry of {@code name} in a new session, if any. */
  static Optional<JsonObject> advertised(String name) {
    WireClient client = gateway.session(TestGateway.ALICE);
    Optional<JsonObject> entry = client.welcome().getJsonObject("payload").getJsonObject("capabilities")
        .getJsonArray("agents").stream().map(JsonObject.class::cast)
        .filter(a -> name.equals(a.getString("name"))).findFirst();
    client.close();
    return entry;
  }

  /** Polls new welcomes until {@code name} is (or is not) advertised; the registry updates asynchronously. */
  static Optional<JsonObject> awaitAdvertised(String name, boolean present) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    Optional<JsonObject> entry = advertised(name);
    while (entry.isPresent() != present && System.nanoTime() < deadline) {
      sleep(50);
      entry = advertised(name);
    }
    return entry;
  }

  @Test
  void killingThePythonAgentMidJobEndsTheJobPromptlyWithARetryableInternalError() {
    ExampleAgent agent = startAgent(Program.WORDCOUNT_PY, "--name", "wordcount-kill");
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, "wordcount-kill", input(Collections.nCopies(50, file)).put("delay_ms", 200),
        readLease(dir));
    JsonObject progress = client.nextMatching(f -> "job.event".equals(type(f))
        && "progress".equals(payload(f).getString("kind")), "a progress event");
    assertEquals(jobId, progress.getString("job_id"));

    long killedAt = System.nanoTime();
    agent.kill();
    List<JsonObject> frames = untilTerminal(client, jobId);
    long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
    JsonObject terminal = last(frames);
    assertEquals("job.error", type(terminal), terminal.encode());
    assertErrorPayload(payload(terminal), "error", "INTERNAL_ERROR");
    assertTrue(payload(terminal).getBoolean("retryable"), "retryable: " + terminal.encode());
    JsonObject details = payload(terminal).getJsonObject("details");
    assertTrue(details != null && details.getString("agent", "").contains("wordcount-kill@1.0.0"),
        "details name the agent: " + terminal.encode());
    assertTrue(tookMs < 3_000, "the job ended " + tookMs + " ms after the kill");
  }

  @Test
  void theAgentLeavesTheInventoryWithItsLastProcessAndReturnsWhenAnnounced() {
    String name = "wordcount-inventory";
    assertTrue(advertised(name).isEmpty(), "not advertised before any process announced it");

    ExampleAgent first = startAgent(Program.WORDCOUNT_PY, "--name", name);
    JsonObject entry = awaitAdvertised(name, true).orElseThrow(() -> new AssertionError("not advertised"));
    assertEquals("1.0.0", entry.getString("default"), entry.encode());
    ExampleAgent second = startAgent(Program.WORDCOUNT_NODE, "--name", name);

    first.kill();
    sleep(300);
    assertTrue(advertised(name).isPresent(), "one process still serves " + name);
    WireClient client = gateway.session(TestGateway.ALICE);
    String served = submit(client, name, input(List.of(file)), readLease(dir));
    assertEquals(4, success(untilTerminal(client, served)).getJsonObject("result").getInteger("total"));
    assertTrue(second.stderr().contains("running " + served), "the remaining process ran it: " + second.describe());

    second.kill();
    assertTrue(awaitAdvertised(name, false).isEmpty(), "still advertised after its last process left");
    JsonObject submit = Wire.submit(client.sessionId(), name, input(List.of(file)));
    client.send(submit);
    assertRejectedSubmit(client, submit, "AGENT_NOT_AVAILABLE");

    startAgent(Program.WORDCOUNT_JAVA, "--name", name);
    assertTrue(awaitAdvertised(name, true).isPresent(), "advertised again once announced");
    WireClient later = gateway.session(TestGateway.ALICE);
    String again = submit(later, name, input(List.of(file)), readLease(dir));
    assertEquals(4, success(untilTerminal(later, again)).getJsonObject("result").getInteger("total"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
