package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.input;
import static dev.arcpgateway.bridge.BridgeFixtures.readLease;
import static dev.arcpgateway.bridge.BridgeFixtures.write;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.ExampleAgent;
import dev.arcpgateway.testing.ExampleAgent.Program;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes announcing the same {@code name@version} share its jobs (round robin) and neither ever
 * runs more than its {@code max_concurrent}; jobs beyond the free slots wait and then succeed.
 */
@ExtendWith(VertxExtension.class)
class BridgeWorkersTest {

  @TempDir
  static Path dir;
  static Path file;
  static TestGateway gateway;
  static final List<ExampleAgent> workers = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    file = write(dir.resolve("a.txt"), "one two\n");
    gateway = BridgeFixtures.gateway(vertx);
    int port = gateway.gateway().bridgePort();
    for (int i = 0; i < 2; i++) {
      workers.add(ExampleAgent.start(Program.WORDCOUNT_PY, port, BridgeFixtures.AGENT_TOKEN, "--max-concurrent", "1"));
    }
  }

  @AfterAll
  static void stop() {
    workers.forEach(ExampleAgent::close);
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void twoProcessesShareTheLoadAndEachRespectsItsMaxConcurrent() {
    WireClient client = gateway.session(TestGateway.ALICE);
    int jobs = 6;
    JsonObject in = input(Collections.nCopies(3, file)).put("delay_ms", 150); // ~0.5 s per job
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      ids.add(client.submit(new JsonObject().put("agent", "wordcount-py").put("input", in)
          .put("lease_request", readLease(dir))).getString("id"));
    }
    Map<String, long[]> spans = new HashMap<>(); // job -> first event, terminal (nanos)
    Map<String, String> outcome = new HashMap<>();
    long started = System.nanoTime();
    while (outcome.size() < jobs) {
      JsonObject frame = client.next(java.time.Duration.ofSeconds(20));
      String jobId = frame.getString("job_id");
      long now = System.nanoTime();
      switch (type(frame)) {
        case "job.accepted" -> assertTrue(ids.contains(payload(frame).getString("request_id")));
        case "job.event" -> spans.computeIfAbsent(jobId, j -> new long[] {now, 0});
        case "job.result", "job.error" -> {
          spans.computeIfAbsent(jobId, j -> new long[] {now, 0})[1] = now;
          outcome.put(jobId, type(frame) + " " + payload(frame).encode());
        }
        default -> throw new AssertionError("unexpected " + frame.encode());
      }
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    outcome.values().forEach(o -> assertTrue(o.startsWith("job.result"), "every job succeeds: " + outcome));

    // which process ran which job: the example library logs "arcp: running <job id>"
    Map<ExampleAgent, List<String>> byWorker = new HashMap<>();
    for (String jobId : spans.keySet()) {
      List<ExampleAgent> ran = workers.stream().filter(w -> w.stderr().contains("running " + jobId)).toList();
      assertEquals(1, ran.size(), "job " + jobId + " ran on exactly one process");
      byWorker.computeIfAbsent(ran.get(0), w -> new ArrayList<>()).add(jobId);
    }
    for (ExampleAgent worker : workers) {
      List<String> mine = byWorker.getOrDefault(worker, List.of());
      assertEquals(jobs / 2, mine.size(), "round robin gives each of the two processes half: " + byWorker);
      // max_concurrent 1: the spans of one process's jobs never overlap
      List<long[]> sorted = mine.stream().map(spans::get).sorted((a, b) -> Long.compare(a[0], b[0])).toList();
      for (int i = 1; i < sorted.size(); i++) {
        assertTrue(sorted.get(i)[0] >= sorted.get(i - 1)[1],
            "a process ran two jobs at once although it announced max_concurrent 1");
      }
      assertFalse(worker.stderr().contains("refused"), worker.describe());
    }
    assertTrue(elapsedMs >= 1_200, "6 jobs of ~0.5 s on 2 single-slot processes cannot end in " + elapsedMs + " ms");
  }
}
