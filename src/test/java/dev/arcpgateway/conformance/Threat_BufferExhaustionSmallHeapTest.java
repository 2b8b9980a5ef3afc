package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRefusedBeforeWelcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 8 item 6, as it was found: sessions whose clients never read, each with a 500-event × 1 KB job, used to
 * fill the heap until the process ran out of memory and stopped answering. Here the real gateway runs as a child
 * process ({@code serve}) with a 96 MiB heap and its default buffer budget (a quarter of the heap), and about
 * 100 MB of events are produced for clients that never read. The gateway must keep answering, and the
 * longest-parked session must have been forgotten (RESUME_WINDOW_EXPIRED) rather than the heap exhausted.
 */
class Threat_BufferExhaustionSmallHeapTest {

  private static final String TOKEN = "tok-heap";
  private static final Pattern LISTENING = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/arcp");
  private static final JsonObject JOB = new JsonObject().put("count", 500).put("size", 1_000);

  @Test
  void sessionsThatNeverReadCannotExhaustASmallHeap() throws Exception {
    File stderr = File.createTempFile("arcp-heap-", ".stderr");
    stderr.deleteOnExit();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process gateway = new ProcessBuilder(java, "-Xmx96m", "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), "dev.arcpgateway.cli.Main", "serve", "--port", "0",
        "--token", "alice:" + TOKEN)
        .redirectError(stderr)
        .start();
    Vertx vertx = Vertx.vertx();
    List<WireClient> clients = new ArrayList<>();
    try {
      int port = port(gateway);

      WireClient longestParked = null;
      for (int i = 0; i < 20; i++) { // parked with their jobs' events still coming in
        WireClient client = open(vertx, port, clients);
        client.expect("job.accepted");
        client.drop();
        longestParked = longestParked == null ? client : longestParked;
      }
      for (int i = 0; i < 150; i++) { // attached, never reading past job.accepted
        try {
          WireClient client = open(vertx, port, clients);
          client.expect("job.accepted");
          client.pauseReading();
        } catch (AssertionError | IllegalStateException e) {
          throw new AssertionError("the gateway stopped answering after " + i + " sessions that do not read"
              + " (alive: " + gateway.isAlive() + "); its log:\n" + tail(stderr), e);
        }
      }

      WireClient fresh = WireClient.connect(vertx, port);
      clients.add(fresh);
      fresh.hello(TOKEN);
      fresh.submit("chatty", JOB);
      String jobId = fresh.expect("job.accepted").getString("job_id");
      List<JsonObject> frames = fresh.untilTerminal(jobId);
      assertEquals("job.result", frames.get(frames.size() - 1).getString("type"));

      WireClient resume = WireClient.connect(vertx, port);
      clients.add(resume);
      JsonObject hello = Continuity.helloResume(TOKEN, longestParked.sessionId(),
          Continuity.resumeToken(longestParked), 0);
      resume.send(hello);
      assertRefusedBeforeWelcome(resume, hello.getString("id"), "RESUME_WINDOW_EXPIRED", null);

      assertTrue(gateway.isAlive());
      String log = Files.readString(stderr.toPath());
      assertFalse(log.contains("OutOfMemoryError"), tail(stderr));
      assertTrue(log.contains("buffer budget"), "evictions are logged: " + tail(stderr));
    } finally {
      clients.forEach(WireClient::close);
      gateway.destroyForcibly();
      gateway.waitFor(10, TimeUnit.SECONDS);
      vertx.close();
    }
  }

  /** A session as {@code alice} that has submitted one 500 × 1 KB chatty job. */
  private static WireClient open(Vertx vertx, int port, List<WireClient> clients) {
    WireClient client = WireClient.connect(vertx, port);
    clients.add(client);
    client.hello(TOKEN);
    client.submit("chatty", JOB);
    return client;
  }

  private static String tail(File log) throws IOException {
    String text = Files.readString(log.toPath());
    return text.length() <= 4_000 ? text : "…" + text.substring(text.length() - 4_000);
  }

  /** The port the child announces on standard output. */
  private static int port(Process gateway) throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          Matcher matcher = LISTENING.matcher(line);
          if (matcher.find()) {
            port.complete(Integer.parseInt(matcher.group(1)));
          }
        }
        port.completeExceptionally(new IOException("the gateway ended without listening"));
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
    }, "heap-test-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      return port.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      fail("the gateway did not start", e);
      throw e;
    }
  }
}
