package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code submit} as a process: results on stdout exactly, events on stderr, json lines, detach, options. */
class CliSubmitTest {

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
  void anInlineResultIsPrintedAsJson() {
    CliProcess echo = CliProcess.run(gateway.alice(), "submit", "--agent", "echo@1.0.0", "--input", "[1, 2]");
    assertEquals(0, echo.exitCode(), echo::describe);
    assertEquals(new JsonObject().put("input", new JsonArray().add(1).add(2)).put("version", "1.0.0"),
        new JsonObject(echo.stdout()), echo::describe);
    assertTrue(echo.stderr().startsWith("accepted job_"), echo::describe);
  }

  @Test
  void aChunkedResultOf100000BytesIsByteIdenticalOnStdout() {
    CliProcess report = CliProcess.run(gateway.alice(), "submit", "--agent", "report",
        "--input", "{\"bytes\": 100000, \"chunk\": 8192}");
    assertEquals(0, report.exitCode(), report::describe);
    byte[] expected = "0123456789abcdef".repeat(6250).getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(expected, report.stdoutBytes(), "exactly the 100,000 bytes, nothing appended");
    assertTrue(report.stderr().contains(": 100000 bytes (report of 100000 bytes)"), report::describe);
  }

  @Test
  void aBase64BinaryResultIsDecodedToTheRawBytes() {
    CliProcess binary = CliProcess.run(gateway.alice(), "submit", "--agent", "binary",
        "--input", "{\"bytes\": 100000, \"chunk\": 6000, \"seed\": 13}");
    assertEquals(0, binary.exitCode(), binary::describe);
    assertArrayEquals(BinaryAgent.bytes(100_000, 13), binary.stdoutBytes());
  }

  @Test
  void jsonOutputIsOneObjectPerLine() {
    CliProcess chatty = CliProcess.run(gateway.alice(), "submit", "--agent", "chatty",
        "--input", "{\"count\": 3, \"size\": 10}", "--output", "json");
    assertEquals(0, chatty.exitCode(), chatty::describe);
    List<JsonObject> lines = chatty.stdout().lines().map(JsonObject::new).toList();
    assertEquals("job.accepted", lines.get(0).getString("type"), chatty::describe);
    assertEquals(3, lines.stream().filter(l -> "job.event".equals(l.getString("type"))
        && "log".equals(l.getJsonObject("payload").getString("kind"))).count(), chatty::describe);
    JsonObject last = lines.get(lines.size() - 1);
    assertEquals("job.result", last.getString("type"), chatty::describe);
    assertEquals(3, last.getJsonObject("payload").getJsonObject("result").getInteger("count"), chatty::describe);
    assertEquals("", chatty.stderr(), "json mode keeps stderr for failures: " + chatty.describe());
  }

  @Test
  void eventsOfDelegatedChildJobsAreLabelledWithTheirJobId() {
    CliProcess delegator = CliProcess.run(gateway.alice(), "submit", "--agent", "delegator",
        "--lease", "{\"agent.delegate\": [\"echo\"]}", "--input", "{\"agent\": \"echo\", \"input\": {\"x\": 1}}");
    assertEquals(0, delegator.exitCode(), delegator::describe);
    assertTrue(delegator.stderr().lines()
        .anyMatch(l -> l.matches("\\[job_\\w+] accepted \\(echo@2\\.0\\.0\\), child of job_\\w+")),
        delegator::describe);
    assertTrue(delegator.stderr().lines().anyMatch(l -> l.matches("\\[job_\\w+] result \\(success\\)")),
        delegator::describe);
  }

  @Test
  void detachPrintsTheIdAndLeavesTheJobRunning() {
    String jobId = gateway.submitDetached("gate", GateAgent.input("detached").encode());
    try (WireClient observer = gateway.gateway().session(dev.arcpgateway.testing.TestGateway.ALICE)) {
      observer.send(dev.arcpgateway.testing.Wire.frame("session.list_jobs", observer.sessionId(),
          new JsonObject().put("filter", new JsonObject().put("status", new JsonArray().add("running")))));
      JsonArray running = observer.expect("session.jobs").getJsonObject("payload").getJsonArray("jobs");
      assertTrue(running.stream().anyMatch(j -> jobId.equals(((JsonObject) j).getString("job_id"))),
          running::encode);
    }
    GateAgent.finish(gateway.vertx(), "detached");
  }

  @Test
  void idempotencyKeyMaxRuntimeAndExtensionsReachTheSubmit() {
    String[] args = {"submit", "--agent", "echo", "--input", "{}", "--idempotency-key", "cli-key-1",
        "--max-runtime-sec", "30", "--ext", "x-vendor.test=1", "--detach"};
    CliProcess first = CliProcess.run(gateway.alice(), args);
    CliProcess again = CliProcess.run(gateway.alice(), args);
    assertEquals(0, first.exitCode(), first::describe);
    assertEquals(0, again.exitCode(), again::describe);
    assertEquals(first.stdout(), again.stdout(), "the same key and parameters give the same job");
  }
}
