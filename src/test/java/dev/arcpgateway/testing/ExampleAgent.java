package dev.arcpgateway.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One of the example agents of {@code agents-examples/} running as its own process (python3, node or java),
 * connected to a test gateway's agent bridge. Its stdout and stderr go to files under
 * {@code target/example-agents/}; {@link #start} returns once the agent printed that its announce was answered.
 * A missing interpreter fails the test with a clear message (these tests must not be skipped).
 */
public final class ExampleAgent implements AutoCloseable {

  public static final Path ROOT = Path.of(System.getProperty("user.dir"));
  public static final Path EXAMPLES = ROOT.resolve("agents-examples");
  private static final Path LOGS = ROOT.resolve("target/example-agents");
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Duration ANNOUNCE_WAIT = Duration.ofSeconds(30);

  /** An example program and how to start it. */
  public enum Program {
    WORDCOUNT_PY("wordcount-py", "python3", "python/wordcount.py"),
    CHATTY_PY("chatty-py", "python3", "python/chatty.py"),
    WORDCOUNT_NODE("wordcount-node", "node", "node/wordcount.mjs"),
    CHATTY_NODE("chatty-node", "node", "node/chatty.mjs"),
    WORDCOUNT_JAVA("wordcount-java", "java", "java/WordCountAgent.java");

    public final String agent;
    final String runtime;
    final String script;

    Program(String agent, String runtime, String script) {
      this.agent = agent;
      this.runtime = runtime;
      this.script = script;
    }

    List<String> command() {
      Path file = EXAMPLES.resolve(script);
      if (runtime.equals("java")) {
        // the single-file source launcher, with the gateway's classes and dependencies for io.vertx.core.json
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), file.toString());
      }
      return List.of(runtime, file.toString());
    }
  }

  private final Program program;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ExampleAgent(Program program, Process process, Path stdout, Path stderr) {
    this.program = program;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Fails the test unless {@code python3} / {@code node} can be started. */
  public static void require(String runtime) {
    try {
      Process probe = new ProcessBuilder(runtime, "--version").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!probe.waitFor(20, TimeUnit.SECONDS) || probe.exitValue() != 0) {
        fail(runtime + " is installed but `" + runtime + " --version` failed; the bridge tests need a working "
            + runtime);
      }
    } catch (IOException e) {
      fail(runtime + " is required by the bridge tests (they run the example agents of agents-examples/) but"
          + " could not be started: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  /** Starts {@code program} against the bridge on {@code bridgePort} and waits for its announce to be answered. */
  public static ExampleAgent start(Program program, int bridgePort, String token, String... extraArgs) {
    ExampleAgent agent = launch(program, bridgePort, token, extraArgs);
    agent.awaitOutput("announced ", ANNOUNCE_WAIT);
    return agent;
  }

  /**
   * Starts {@code program} with several bridge addresses ({@code --bridge 127.0.0.1:P,...}: it fails over from
   * one to the next) and waits for its first announce to be answered.
   */
  public static ExampleAgent startFailingOver(Program program, List<Integer> bridgePorts, String token) {
    String bridges = String.join(",", bridgePorts.stream().map(port -> "127.0.0.1:" + port).toList());
    ExampleAgent agent = launch(program, List.of("--bridge", bridges, "--token", token));
    agent.awaitOutput("announced ", ANNOUNCE_WAIT);
    return agent;
  }

  /** Starts {@code program} without waiting for anything. */
  public static ExampleAgent launch(Program program, int bridgePort, String token, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(bridgePort), "--token", token));
    args.addAll(List.of(extraArgs));
    return launch(program, args);
  }

  private static ExampleAgent launch(Program program, List<String> args) {
    if (!program.runtime.equals("java")) {
      require(program.runtime);
    }
    List<String> command = new ArrayList<>(program.command());
    command.addAll(args);
    try {
      Files.createDirectories(LOGS);
      String base = program.agent + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
      Path out = LOGS.resolve(base + ".out");
      Path err = LOGS.resolve(base + ".err");
      Process process = new ProcessBuilder(command).directory(ROOT.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      return new ExampleAgent(program, process, out, err);
    } catch (IOException e) {
      throw new AssertionError("could not start " + command + ": " + e.getMessage(), e);
    }
  }

  public Program program() {
    return program;
  }

  public Process process() {
    return process;
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  /** Both outputs, for failure messages. */
  public String describe() {
    return program.agent + " (pid " + process.pid() + (process.isAlive() ? ", running" : ", exit "
        + process.exitValue()) + ")\n--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
  }

  /** Waits until {@code text} appears on stdout or stderr. */
  public void awaitOutput(String text, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (stdout().contains(text) || stderr().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the agent exited before printing \"" + text + "\": " + describe());
      }
      sleep(20);
    }
    throw new AssertionError("no \"" + text + "\" within " + wait + ": " + describe());
  }

  /** kill -9. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "<" + e.getMessage() + ">";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
