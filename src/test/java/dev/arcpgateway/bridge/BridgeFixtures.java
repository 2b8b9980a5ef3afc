package dev.arcpgateway.bridge;

import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.testing.ExampleAgent;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Shared setup of the bridge tests: a gateway with the agent bridge on a free port, files, jobs. */
final class BridgeFixtures {

  /** The agent token every example agent uses (may announce any agent). */
  static final String AGENT_TOKEN = "agent-secret";

  private BridgeFixtures() {
  }

  /** A test gateway whose agent bridge listens on a free port, with {@code bridge} settings added. */
  static TestGateway gateway(Vertx vertx, Consumer<JsonObject> bridge, Consumer<GatewayOptions> tune) {
    JsonObject settings = new JsonObject().put("port", 0).put("tokens", new JsonArray()
        .add(new JsonObject().put("token", AGENT_TOKEN).put("name", "examples").put("agents", new JsonArray().add("*"))));
    bridge.accept(settings);
    TestGateway gateway = TestGateway.start(vertx, options -> {
      options.setBridge(settings);
      tune.accept(options);
    });
    assertTrue(gateway.gateway().bridgePort() > 0, "the agent bridge is listening");
    return gateway;
  }

  static TestGateway gateway(Vertx vertx) {
    return gateway(vertx, b -> { }, o -> { });
  }

  /** Submits {@code agent} with {@code input} and {@code lease_request}; returns the job id. */
  static String submit(WireClient client, String agent, Object input, JsonObject lease) {
    JsonObject payload = new JsonObject().put("agent", agent).put("input", input);
    if (lease != null) {
      payload.put("lease_request", lease);
    }
    JsonObject frame = client.submit(payload);
    return client.expectAccepted(frame.getString("id")).getString("job_id");
  }

  static JsonObject readLease(Path dir) {
    return new JsonObject().put("fs.read", new JsonArray().add(dir + "/**"));
  }

  static JsonObject input(List<Path> paths) {
    JsonArray array = new JsonArray();
    paths.forEach(p -> array.add(p.toString()));
    return new JsonObject().put("paths", array);
  }

  static Path write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** {@code n} words: "w0 w1 … " over several lines. */
  static String words(int n) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      text.append('w').append(i).append(i % 12 == 11 ? '\n' : ' ');
    }
    return text.toString();
  }

  /** The frames of one job up to its terminal frame, failing on a frame of another job. */
  static List<JsonObject> untilTerminal(WireClient client, String jobId) {
    List<JsonObject> frames = client.untilTerminal(jobId);
    for (JsonObject frame : frames) {
      if (frame.containsKey("job_id")) {
        assertEquals(jobId, frame.getString("job_id"), "a frame of another job: " + frame.encode());
      }
    }
    return frames;
  }

  /** The bodies of the job's events of {@code kind}, in order. */
  static List<JsonObject> bodies(List<JsonObject> frames, String kind) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject frame : frames) {
      if ("job.event".equals(type(frame)) && kind.equals(payload(frame).getString("kind"))) {
        out.add(payload(frame).getJsonObject("body"));
      }
    }
    return out;
  }

  /** The terminal frame, which must be a successful job.result; returns its payload. */
  static JsonObject success(List<JsonObject> frames) {
    JsonObject last = frames.get(frames.size() - 1);
    assertEquals("job.result", type(last), "the job failed: " + last.encode() + "\nframes: " + frames);
    assertEquals("success", payload(last).getString("final_status"));
    return payload(last);
  }

  /** The Python, Node and Java word counters, started as processes against {@code gateway}'s bridge. */
  static List<ExampleAgent> wordCounters(TestGateway gateway) {
    int port = gateway.gateway().bridgePort();
    List<ExampleAgent> agents = new ArrayList<>();
    for (ExampleAgent.Program program : List.of(ExampleAgent.Program.WORDCOUNT_PY, ExampleAgent.Program.WORDCOUNT_NODE,
        ExampleAgent.Program.WORDCOUNT_JAVA)) {
      agents.add(ExampleAgent.start(program, port, AGENT_TOKEN));
    }
    return agents;
  }
}
