package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.bodies;
import static dev.arcpgateway.bridge.BridgeFixtures.input;
import static dev.arcpgateway.bridge.BridgeFixtures.readLease;
import static dev.arcpgateway.bridge.BridgeFixtures.submit;
import static dev.arcpgateway.bridge.BridgeFixtures.success;
import static dev.arcpgateway.bridge.BridgeFixtures.untilTerminal;
import static dev.arcpgateway.bridge.BridgeFixtures.words;
import static dev.arcpgateway.bridge.BridgeFixtures.write;
import static dev.arcpgateway.testing.JobFrames.events;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.ExampleAgent;
import dev.arcpgateway.testing.ExampleAgent.Program;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The three wordcount examples (Python, Node.js, standalone Java) as real processes behind the agent bridge, driven
 * end to end by a WebSocket client: events, lease denial, inline and streamed results, cost and budget.
 */
@ExtendWith(VertxExtension.class)
class BridgeWordCountTest {

  @TempDir
  static Path dir;
  static Path allowed;
  static Path small;
  static Path unicode;
  static Path big;
  static Path secret;
  static TestGateway gateway;
  static final List<ExampleAgent> agents = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    allowed = dir.resolve("allowed");
    small = write(allowed.resolve("a.txt"), "one two three\n");
    unicode = write(allowed.resolve("unicode.txt"), "héllo wörld\tçà  va\n\nñandú 🦜 end\n"); // 7 words
    big = write(allowed.resolve("big.txt"), words(2000));
    secret = write(dir.resolve("secret/s.txt"), "do not read me\n");
    gateway = BridgeFixtures.gateway(vertx);
    agents.addAll(BridgeFixtures.wordCounters(gateway));
  }

  @AfterAll
  static void stop() {
    agents.forEach(ExampleAgent::close);
    if (gateway != null) {
      gateway.close();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Program.class, names = {"WORDCOUNT_PY", "WORDCOUNT_NODE", "WORDCOUNT_JAVA"})
  void countsAllowedFilesReportsDeniedOnesAndStreamsEvents(Program program) {
    WireClient client = gateway.session(TestGateway.ALICE);
    Path missing = allowed.resolve("missing.txt");
    String jobId = submit(client, program.agent, input(List.of(small, unicode, secret, missing)), readLease(allowed));
    List<JsonObject> frames = untilTerminal(client, jobId);
    JsonObject result = success(frames).getJsonObject("result");
    assertNotNull(result, "inline result: " + last(frames).encode());

    assertEquals(new JsonObject().put(small.toString(), 3).put(unicode.toString(), 7), result.getJsonObject("counts"));
    assertEquals(new JsonArray().add(secret.toString()).add(missing.toString()), result.getJsonArray("denied"));
    assertEquals(new JsonObject().put(secret.toString(), "PERMISSION_DENIED").put(missing.toString(), "NOT_READABLE"),
        result.getJsonObject("refused"));
    assertEquals(10, result.getInteger("total"));

    List<JsonObject> progress = bodies(frames, "progress");
    assertEquals(4, progress.size(), "one progress per file: " + frames);
    for (int i = 0; i < 4; i++) {
      assertEquals(new JsonObject().put("current", i + 1).put("total", 4).put("units", "files"), progress.get(i));
    }
    List<JsonObject> logs = bodies(frames, "log");
    assertTrue(logs.stream().anyMatch(l -> l.getString("level").equals("warn")
            && l.getString("message").contains(secret.toString()) && l.getString("message").contains("PERMISSION_DENIED")),
        "the lease refusal is logged: " + logs);
    assertTrue(logs.stream().noneMatch(l -> l.getString("message").contains(secret + ": ")), "secret was not counted");
    List<JsonObject> metrics = bodies(frames, "metric");
    assertEquals(2, metrics.stream().filter(m -> m.getString("name").equals("cost.tokens")).count(), "metrics: " + metrics);
    assertTrue(metrics.stream().noneMatch(m -> m.getString("name").equals("cost.budget.remaining")),
        "no budget, no remaining gauge: " + metrics);
    for (JsonObject event : events(frames, "log")) {
      assertFalse(payload(event).getString("ts").isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Program.class, names = {"WORDCOUNT_PY", "WORDCOUNT_NODE", "WORDCOUNT_JAVA"})
  void chunkedUtf8ResultAssemblesToTheExpectedLines(Program program) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject in = input(List.of(small, unicode, secret, big)).put("chunk", 16);
    String jobId = submit(client, program.agent, in, readLease(allowed));
    List<JsonObject> frames = untilTerminal(client, jobId);
    JsonObject terminal = success(frames);
    String expected = small + " 3\n" + unicode + " 7\n" + big + " 2000\n";

    List<JsonObject> chunks = bodies(frames, "result_chunk");
    StringBuilder assembled = new StringBuilder();
    String resultId = chunks.get(0).getString("result_id");
    for (int i = 0; i < chunks.size(); i++) {
      JsonObject chunk = chunks.get(i);
      assertEquals(i, chunk.getInteger("chunk_seq"));
      assertEquals(resultId, chunk.getString("result_id"));
      assertEquals("utf8", chunk.getString("encoding"));
      assertTrue(chunk.getString("data").getBytes(StandardCharsets.UTF_8).length <= 16, "chunk cap: " + chunk);
      assertEquals(i < chunks.size() - 1, chunk.getBoolean("more"), "more: " + chunk);
      assembled.append(chunk.getString("data"));
    }
    assertEquals(expected, assembled.toString());
    assertTrue(chunks.size() >= expected.getBytes(StandardCharsets.UTF_8).length / 16, "chunks: " + chunks.size());
    assertEquals(resultId, terminal.getString("result_id"));
    assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, terminal.getLong("result_size"));
    assertNull(terminal.getValue("result"), "no inline result with chunks: " + terminal.encode());
    assertTrue(terminal.getString("summary").contains("3 files"), terminal.encode());
  }

  @ParameterizedTest
  @EnumSource(value = Program.class, names = {"WORDCOUNT_PY", "WORDCOUNT_NODE", "WORDCOUNT_JAVA"})
  void chunkedBase64ResultAssemblesToTheExpectedBytes(Program program) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject in = input(List.of(unicode, small)).put("chunk", 7).put("encoding", "base64");
    String jobId = submit(client, program.agent, in, readLease(allowed));
    List<JsonObject> frames = untilTerminal(client, jobId);
    JsonObject terminal = success(frames);
    ByteArrayOutputStream assembled = new ByteArrayOutputStream();
    List<JsonObject> chunks = bodies(frames, "result_chunk");
    for (JsonObject chunk : chunks) {
      assertEquals("base64", chunk.getString("encoding"));
      byte[] bytes = Base64.getDecoder().decode(chunk.getString("data"));
      assertTrue(bytes.length <= 7);
      assembled.writeBytes(bytes);
    }
    byte[] expected = (unicode + " 7\n" + small + " 3\n").getBytes(StandardCharsets.UTF_8);
    assertEquals(new String(expected, StandardCharsets.UTF_8), assembled.toString(StandardCharsets.UTF_8));
    assertEquals(expected.length, terminal.getLong("result_size"));
    assertEquals(chunks.get(0).getString("result_id"), terminal.getString("result_id"));
    assertFalse(chunks.get(chunks.size() - 1).getBoolean("more"));
  }

  @ParameterizedTest
  @EnumSource(value = Program.class, names = {"WORDCOUNT_PY", "WORDCOUNT_NODE", "WORDCOUNT_JAVA"})
  void costMetricIsChargedAndTheRemainingBudgetReported(Program program) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject lease = readLease(allowed).put("cost.budget", new JsonArray().add("USD:1.00"));
    String jobId = submit(client, program.agent, input(List.of(big, small)).put("delay_ms", 100), lease);
    List<JsonObject> frames = untilTerminal(client, jobId);
    assertEquals(2003, success(frames).getJsonObject("result").getInteger("total"));
    assertCharged(bodies(frames, "metric"), 0.002, 0.998);
  }

  /**
   * docs/agent-protocol.md §4: a cost metric "is charged to the job's budget …; the gateway then emits
   * cost.budget.remaining" — also when the agent's result follows the metric at once (one file, no delay).
   */
  @ParameterizedTest
  @EnumSource(value = Program.class, names = {"WORDCOUNT_PY"})
  void remainingBudgetIsReportedAlsoWhenTheResultFollowsTheCostMetricAtOnce(Program program) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject lease = readLease(allowed).put("cost.budget", new JsonArray().add("USD:1.00"));
    String jobId = submit(client, program.agent, input(List.of(big)), lease);
    List<JsonObject> frames = untilTerminal(client, jobId);
    assertEquals(2000, success(frames).getJsonObject("result").getInteger("total"));
    assertCharged(bodies(frames, "metric"), 0.002, 0.998);
  }

  private static void assertCharged(List<JsonObject> metrics, double cost, double left) {
    JsonObject charged = metrics.stream().filter(m -> m.getString("name").equals("cost.tokens")).findFirst()
        .orElseThrow();
    assertEquals("USD", charged.getString("unit"));
    assertEquals(cost, charged.getDouble("value"), 1e-12);
    JsonObject remaining = metrics.stream().filter(m -> m.getString("name").equals("cost.budget.remaining"))
        .findFirst().orElseThrow(() -> new AssertionError("no cost.budget.remaining before the job.result: "
            + metrics));
    assertEquals("USD", remaining.getString("unit"));
    assertEquals(left, remaining.getDouble("value"), 1e-9);
    assertTrue(metrics.indexOf(charged) < metrics.indexOf(remaining), "charged, then reported: " + metrics);
  }

  @ParameterizedTest
  @EnumSource(value = Program.class, names = {"WORDCOUNT_PY", "WORDCOUNT_NODE", "WORDCOUNT_JAVA"})
  void exhaustedBudgetMakesTheGatewayRefuseAuthorizeWithBudgetExhausted(Program program) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject lease = readLease(allowed).put("cost.budget", new JsonArray().add("USD:0.001"));
    String jobId = submit(client, program.agent, input(List.of(big, small, unicode)), lease);
    List<JsonObject> frames = untilTerminal(client, jobId);
    JsonObject result = success(frames).getJsonObject("result");
    assertEquals(new JsonObject().put(big.toString(), 2000), result.getJsonObject("counts"));
    assertEquals(new JsonObject().put(small.toString(), "BUDGET_EXHAUSTED").put(unicode.toString(), "BUDGET_EXHAUSTED"),
        result.getJsonObject("refused"));
    JsonObject remaining = bodies(frames, "metric").stream()
        .filter(m -> m.getString("name").equals("cost.budget.remaining")).findFirst().orElseThrow();
    assertEquals(-0.001, remaining.getDouble("value"), 1e-9);
    // the refusal of the second file came from the gateway's authorize answer
    assertTrue(bodies(frames, "log").stream().anyMatch(l -> l.getString("message").contains(small.toString())
        && l.getString("message").contains("BUDGET_EXHAUSTED")), "logs: " + bodies(frames, "log"));
  }
}
