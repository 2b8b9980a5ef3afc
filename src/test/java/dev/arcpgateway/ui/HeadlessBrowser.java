package dev.arcpgateway.ui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One page of Debian's headless Chromium, driven through {@code src/test/ui/browser-driver.mjs} (playwright-core,
 * pinned in that folder's package-lock.json) by one JSON command per line. A missing Chromium, Node.js or
 * {@code node_modules} fails the test with the command that installs it ({@code ./test} does): browser tests never
 * skip. The page's console and Chromium's messages go to {@code target/ui-artifacts/browser.log}.
 */
final class HeadlessBrowser implements AutoCloseable {

  static final Path DRIVER_DIR = Path.of("src", "test", "ui");
  static final Path ARTIFACTS = Path.of("target", "ui-artifacts");
  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
  private static final long REPLY_SECONDS = 40;

  private final Process process;
  private final OutputStream commands;
  private final LinkedBlockingQueue<JsonObject> replies = new LinkedBlockingQueue<>();
  private final Path log;
  private int nextId;

  private HeadlessBrowser(Process process, Path log) {
    this.process = process;
    this.commands = process.getOutputStream();
    this.log = log;
    Thread reader = new Thread(this::readReplies, "browser-driver-replies");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts Chromium; fails with what to install when it or the driver's packages are missing. */
  static HeadlessBrowser start() {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new AssertionError(CHROMIUM + " is missing: the browser tests need Debian's chromium "
          + "(apt-get install -y chromium, which ./test does)");
    }
    if (!Files.isDirectory(DRIVER_DIR.resolve("node_modules").resolve("playwright-core"))) {
      throw new AssertionError(DRIVER_DIR + "/node_modules is missing: run npm ci there (./test does)");
    }
    try {
      Files.createDirectories(ARTIFACTS);
      Path log = ARTIFACTS.resolve("browser.log");
      Process process = new ProcessBuilder("node", "browser-driver.mjs")
          .directory(DRIVER_DIR.toFile())
          .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      HeadlessBrowser browser = new HeadlessBrowser(process, log);
      browser.reply(0, "starting Chromium");
      return browser;
    } catch (IOException e) {
      throw new AssertionError("cannot start node (the browser tests need Node.js): " + e.getMessage(), e);
    }
  }

  void open(String url) {
    call(new JsonObject().put("op", "goto").put("url", url));
  }

  void fill(String selector, String text) {
    call(new JsonObject().put("op", "fill").put("selector", selector).put("text", text));
  }

  void click(String selector) {
    call(new JsonObject().put("op", "click").put("selector", selector));
  }

  void check(String selector) {
    call(new JsonObject().put("op", "check").put("selector", selector));
  }

  void select(String selector, String value) {
    call(new JsonObject().put("op", "select").put("selector", selector).put("value", value));
  }

  void press(String key) {
    call(new JsonObject().put("op", "press").put("key", key));
  }

  String text(String selector) {
    Object value = call(new JsonObject().put("op", "text").put("selector", selector));
    return value == null ? null : value.toString();
  }

  List<String> texts(String selector) {
    return ((JsonArray) call(new JsonObject().put("op", "texts").put("selector", selector))).stream()
        .map(String::valueOf).toList();
  }

  /** The attribute {@code name} of every element matching {@code selector}, in document order. */
  List<String> attributes(String selector, String name) {
    return ((JsonArray) call(new JsonObject().put("op", "attributes").put("selector", selector).put("name", name)))
        .stream().map(v -> v == null ? null : v.toString()).toList();
  }

  /** Waits until the JavaScript {@code expression} is truthy in the page; fails the test after the timeout. */
  void waitFor(String expression, String what) {
    try {
      call(new JsonObject().put("op", "waitFor").put("expression", expression));
    } catch (AssertionError e) {
      throw new AssertionError("the page never showed " + what + " (" + expression + "): " + e.getMessage(), e);
    }
  }

  Object evaluate(String expression) {
    return call(new JsonObject().put("op", "evaluate").put("expression", expression));
  }

  void viewport(int width, int height) {
    call(new JsonObject().put("op", "viewport").put("width", width).put("height", height));
  }

  /** Emulates {@code prefers-color-scheme}: light or dark. */
  void colorScheme(String scheme) {
    call(new JsonObject().put("op", "colorScheme").put("scheme", scheme));
  }

  /** Saves a full-page screenshot as {@code target/ui-artifacts/NAME.png}. */
  Path screenshot(String name) {
    Path path = ARTIFACTS.resolve(name + ".png").toAbsolutePath();
    call(new JsonObject().put("op", "screenshot").put("path", path.toString()));
    return path;
  }

  /** Clicks a download link and saves the file; returns the saved file. */
  Path download(String selector, String name) {
    Path path = ARTIFACTS.resolve(name).toAbsolutePath();
    call(new JsonObject().put("op", "download").put("selector", selector).put("path", path.toString()));
    return path;
  }

  private Object call(JsonObject command) {
    int id = ++nextId;
    try {
      commands.write((command.put("id", id).encode() + "\n").getBytes(StandardCharsets.UTF_8));
      commands.flush();
    } catch (IOException e) {
      throw new AssertionError("the browser driver is gone: " + logTail(), e);
    }
    return reply(id, command.getString("op"));
  }

  private Object reply(int id, String what) {
    try {
      JsonObject reply = replies.poll(REPLY_SECONDS, TimeUnit.SECONDS);
      if (reply == null) {
        throw new AssertionError("no answer from the browser to " + what + " within " + REPLY_SECONDS + " s: "
            + logTail());
      }
      if (reply.getInteger("id") != id) {
        throw new AssertionError("the browser answered " + reply.encode() + " to " + what);
      }
      if (!reply.getBoolean("ok")) {
        throw new AssertionError(what + " failed in the browser: " + reply.getString("error"));
      }
      return reply.getValue("value");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void readReplies() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        replies.add(new JsonObject(line));
      }
    } catch (IOException | RuntimeException e) {
      replies.add(new JsonObject().put("id", -1).put("ok", false).put("error", "driver output: " + e));
    }
    replies.add(new JsonObject().put("id", -1).put("ok", false).put("error", "the driver exited: " + logTail()));
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no browser log)";
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      commands.close(); // the driver closes Chromium and its profile when its input ends
    } catch (IOException ignored) {
      // already gone
    }
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
