package dev.arcpgateway.cli;

import io.vertx.core.json.JsonObject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a client command writes: results and {@code --output json} lines on stdout, events and notes on stderr
 * (a progress bar there when a person watches a terminal). Both are UTF-8 whatever the locale, and stdout is
 * flushed after every write so that a pipe sees each line as it happens.
 */
final class CliOutput {

  private static final int BAR_WIDTH = 30;

  private final boolean json;
  private final boolean terminal = System.console() != null;
  private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
      StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
      StandardCharsets.UTF_8);
  private boolean progressShown;

  CliOutput(boolean json) {
    this.json = json;
  }

  boolean json() {
    return json;
  }

  /** Notes about the session itself (reconnects) go here. */
  PrintStream notices() {
    return err;
  }

  /** One JSON object as one line of stdout. */
  void jsonLine(JsonObject object) {
    out.print(object.encode());
    out.print('\n');
    out.flush();
  }

  /** A line of stdout (text mode). */
  void line(String text) {
    out.print(text);
    out.print('\n');
    out.flush();
  }

  /** Raw bytes on stdout, exactly as given. */
  void bytes(byte[] bytes) {
    out.write(bytes, 0, bytes.length);
    out.flush();
  }

  /** One line of stderr. */
  void note(String text) {
    endProgress();
    err.println(text);
  }

  /** A {@code progress} body: a bar redrawn in place on a terminal, else one line per event. */
  void progress(String label, JsonObject body) {
    Number current = body.getNumber("current", 0);
    Number total = body.getNumber("total");
    String units = body.getString("units", "");
    String counts = current + (total != null ? "/" + total : "") + (units.isEmpty() ? "" : " " + units);
    String message = body.getString("message") != null ? " " + body.getString("message") : "";
    if (!terminal) {
      note(label + "[progress] " + counts + message);
      return;
    }
    int filled = total == null || total.doubleValue() <= 0 ? 0
        : (int) Math.min(BAR_WIDTH, current.doubleValue() * BAR_WIDTH / total.doubleValue());
    err.print("\r" + label + "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + counts + message
        + "   ");
    err.flush();
    progressShown = true;
  }

  private void endProgress() {
    if (progressShown) {
      err.println();
      progressShown = false;
    }
  }
}
