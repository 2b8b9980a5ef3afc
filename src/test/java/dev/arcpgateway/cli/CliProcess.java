package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI as a real child process ({@code java -cp <test class path> dev.arcpgateway.cli.Main ...}), with its
 * stdout kept as bytes and its stderr as text, both readable while it runs. By default {@code ARCP_URL} and
 * {@code ARCP_TOKEN} come from the environment given to {@link #start}, so no test puts a token on a command line.
 */
public final class CliProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on wss?://127\\.0\\.0\\.1:(\\d+)/arcp");
  private static final Pattern BRIDGE_LISTENING =
      Pattern.compile("Agent bridge listening on tcp://127\\.0\\.0\\.1:(\\d+)");

  private static final long WAIT_SECONDS = 30;
  /**
   * Starts the JVM with SIGINT at its default disposition: a process tree started in the background by a shell
   * without job control ignores SIGINT, which a JVM inherits and cannot undo, so python3 (a tool the tests
   * already require) resets it and then becomes the JVM, keeping the pid.
   */
  private static final List<String> DEFAULT_SIGINT = List.of("python3", "-c",
      "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])");

  private final Process process;
  private final Captured stdout;
  private final Captured stderr;

  private CliProcess(Process process) {
    this.process = process;
    this.stdout = new Captured(process.getInputStream());
    this.stderr = new Captured(process.getErrorStream());
  }

  /** Starts {@code Main args} with exactly {@code env} (plus PATH) as its environment. */
  public static CliProcess start(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(DEFAULT_SIGINT);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.arcpgateway.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
    Map<String, String> environment = builder.environment();
    String path = environment.get("PATH");
    environment.clear();
    environment.put("PATH", path == null ? "/usr/bin:/bin" : path);
    environment.putAll(env);
    try {
      return new CliProcess(builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the CLI", e);
    }
  }

  /** Runs {@code Main args} to its end. */
  public static CliProcess run(Map<String, String> env, String... args) {
    CliProcess cli = start(env, args);
    cli.exitCode();
    return cli;
  }

  /** Waits for the process to end and returns its exit code. */
  public int exitCode() {
    try {
      assertTrue(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), () -> "the CLI did not end; stderr:\n" + stderr());
      stdout.finished();
      stderr.finished();
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  byte[] stdoutBytes() {
    return stdout.bytes();
  }

  public String stdout() {
    return new String(stdout.bytes(), StandardCharsets.UTF_8);
  }

  String stderr() {
    return new String(stderr.bytes(), StandardCharsets.UTF_8);
  }

  /** Waits until stdout (as text) satisfies {@code condition}; returns it. */
  String awaitStdout(Predicate<String> condition, String what) {
    return stdout.await(condition, what, this);
  }

  /** {@code serve} on a free port on the PostgreSQL database at {@code uri}, with one principal's token. */
  static CliProcess servePg(String uri, String principal, String token, String... more) {
    List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--store", "pg", "--token",
        principal + ":" + token));
    args.addAll(List.of(more));
    return start(Map.of("ARCP_PG_URI", uri), args.toArray(String[]::new));
  }

  /** Waits until the gateway says where it listens ({@code listening on ws[s]://127.0.0.1:PORT/arcp}); its port. */
  int listeningPort() {
    Matcher m = LISTENING.matcher(awaitStdout(out -> LISTENING.matcher(out).find(), "the gateway listening"));
    assertTrue(m.find());
    return Integer.parseInt(m.group(1));
  }

  /** Waits until the gateway says where its agent bridge listens; its port. */
  int bridgePort() {
    Matcher m = BRIDGE_LISTENING.matcher(awaitStdout(out -> BRIDGE_LISTENING.matcher(out).find(),
        "the agent bridge listening"));
    assertTrue(m.find());
    return Integer.parseInt(m.group(1));
  }

  /** Waits until stderr satisfies {@code condition}; returns it. */
  String awaitStderr(Predicate<String> condition, String what) {
    return stderr.await(condition, what, this);
  }

  /** Ctrl-C: SIGINT to the process, as a terminal sends it. */
  void interrupt() {
    assertFalse(ignoresInterrupts(), "SIGINT is ignored by the CLI process although it was started with the default");
    try {
      Process kill = new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).inheritIO().start();
      assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -INT failed");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** SIGTERM to the process, as a service manager sends it to stop a server. */
  void terminate() {
    try {
      Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).inheritIO().start();
      assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -TERM failed");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Linux: bit 2 (SIGINT) of the process's ignored-signal mask; false where /proc cannot tell. */
  private boolean ignoresInterrupts() {
    try {
      return Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status")).stream()
          .filter(line -> line.startsWith("SigIgn:"))
          .anyMatch(line -> (Long.parseLong(line.substring(7).strip(), 16) & 2) != 0);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  public String describe() {
    return "exit " + (process.isAlive() ? "(running)" : process.exitValue()) + "\n--- stdout:\n" + stdout()
        + "\n--- stderr:\n" + stderr();
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

  /** One output stream of the process, read by its own thread into memory. */
  private static final class Captured {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread reader;

    Captured(InputStream in) {
      reader = new Thread(() -> {
        byte[] buffer = new byte[8192];
        try {
          int n;
          while ((n = in.read(buffer)) >= 0) {
            synchronized (this) {
              bytes.write(buffer, 0, n);
              notifyAll();
            }
          }
        } catch (IOException e) {
          // the process ended
        }
        synchronized (this) {
          notifyAll();
        }
      }, "cli-output");
      reader.setDaemon(true);
      reader.start();
    }

    synchronized byte[] bytes() {
      return bytes.toByteArray();
    }

    void finished() throws InterruptedException {
      reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }

    synchronized String await(Predicate<String> condition, String what, CliProcess owner) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (true) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (condition.test(text)) {
          return text;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || !reader.isAlive()) {
          throw new AssertionError("waited for " + what + "; " + owner.describe());
        }
        try {
          wait(Math.min(left, 200)); // woken by new output
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }
}
