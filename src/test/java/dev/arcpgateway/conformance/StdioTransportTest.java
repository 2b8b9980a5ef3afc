package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.Wire;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * §4 stdio transport, wire-notes §12: the real gateway as a child process ({@code serve --stdio}), NDJSON on its
 * stdin/stdout, exactly as a parent process drives it. Standard output must carry nothing but frames (logs go to
 * standard error); a malformed line is answered with INVALID_REQUEST and the session stays usable;
 * {@code session.close} ends the process with exit code 0.
 */
class StdioTransportTest {

  static final String TOKEN = "tok-stdio";
  static final Duration WAIT = Duration.ofSeconds(20);

  /** The child: its stdin, every stdout line in order, and stderr captured in a file. */
  static final class Child implements AutoCloseable {
    final Process process;
    final OutputStream stdin;
    final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> allLines = new CopyOnWriteArrayList<>();
    final Path stderr;
    final Thread reader;

    Child(Path stderr) throws IOException {
      this.stderr = stderr;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          "dev.arcpgateway.cli.Main", "serve", "--stdio", "--token", "alice:" + TOKEN)
          .redirectError(stderr.toFile())
          .redirectInput(ProcessBuilder.Redirect.PIPE)
          .redirectOutput(ProcessBuilder.Redirect.PIPE);
      process = builder.start();
      stdin = process.getOutputStream();
      reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            allLines.add(line);
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the process ended
        }
      }, "stdio-test-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void sendLine(String line) throws IOException {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    void send(JsonObject frame) throws IOException {
      sendLine(frame.encode());
    }

    /** The next stdout line, which must be one ARCP frame. */
    JsonObject next() throws InterruptedException {
      String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        fail("no line on stdout within " + WAIT + "; stderr:\n" + stderrText());
      }
      return frame(line);
    }

    JsonObject expect(String type) throws InterruptedException {
      JsonObject frame = next();
      assertEquals(type, frame.getString("type"), frame.encode());
      return frame;
    }

    String stderrText() {
      try {
        return Files.readString(stderr);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static JsonObject frame(String line) {
    try {
      JsonObject frame = new JsonObject(line);
      assertEquals("1.1", frame.getString("arcp"), "stdout carries only ARCP frames: " + line);
      assertNotNull(frame.getString("type"), line);
      return frame;
    } catch (DecodeException e) {
      throw new AssertionError("stdout must carry only NDJSON frames, got: " + line, e);
    }
  }

  @Test
  void helloJobMalformedLineAndCloseOverStdio() throws Exception {
    File stderr = File.createTempFile("arcp-stdio-", ".stderr");
    stderr.deleteOnExit();
    try (Child child = new Child(stderr.toPath())) {
      child.send(Wire.hello(TOKEN));
      JsonObject welcome = child.expect("session.welcome");
      String sessionId = welcome.getString("session_id");
      assertTrue(sessionId.startsWith("sess_"), welcome.encode());

      JsonObject submit = Wire.submit(sessionId, "echo", new JsonObject().put("via", "stdio"));
      child.send(submit);
      JsonObject accepted = child.expect("job.accepted");
      String jobId = accepted.getString("job_id");
      assertEquals(submit.getString("id"), accepted.getJsonObject("payload").getString("request_id"));
      JsonObject result = child.expect("job.result");
      assertEquals(jobId, result.getString("job_id"));
      assertEquals(1L, result.getLong("event_seq"));
      assertEquals("stdio", result.getJsonObject("payload").getJsonObject("result").getJsonObject("input")
          .getString("via"));

      child.sendLine("this is {not json");
      JsonObject error = child.expect("session.error");
      assertEquals("INVALID_REQUEST", error.getJsonObject("payload").getString("code"));
      assertEquals(sessionId, error.getString("session_id"));

      child.sendLine("");  // blank lines between frames are allowed and ignored
      child.send(Continuity.ping(sessionId, "p_stdio"));
      assertEquals("p_stdio", child.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
      child.send(Wire.submit(sessionId, "echo", new JsonObject().put("again", true)));
      child.expect("job.accepted");
      assertEquals(2L, child.expect("job.result").getLong("event_seq"), "the session went on after the bad line");

      child.send(Continuity.close(sessionId, "done"));
      JsonObject closed = child.expect("session.closed");
      assertEquals("done", closed.getJsonObject("payload").getString("reason"));
      assertTrue(child.process.waitFor(5, TimeUnit.SECONDS), "the process exits after session.close; stderr:\n"
          + child.stderrText());
      assertEquals(0, child.process.exitValue(), "exit code; stderr:\n" + child.stderrText());
      child.reader.join(5_000);
      assertNull(child.lines.poll(), "nothing after session.closed");
      for (String line : child.allLines) {
        frame(line); // every stdout line was a frame
      }
      assertTrue(child.stderrText().contains("stdio"), "logs go to stderr:\n" + child.stderrText());
    }
  }

  /** When the parent closes the child's stdin (the parent went away), the child exits on its own. */
  @Test
  void endOfInputEndsTheProcess() throws Exception {
    File stderr = File.createTempFile("arcp-stdio-", ".stderr");
    stderr.deleteOnExit();
    try (Child child = new Child(stderr.toPath())) {
      child.send(Wire.hello(TOKEN));
      child.expect("session.welcome");
      child.stdin.close();
      assertTrue(child.process.waitFor(10, TimeUnit.SECONDS), "the process exits at the end of its input; stderr:\n"
          + child.stderrText());
      assertEquals(0, child.process.exitValue(), "exit code; stderr:\n" + child.stderrText());
    }
  }
}
