package dev.arcpgateway.logging;

import io.vertx.core.json.JsonObject;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one logging setup of {@code serve}: java.util.logging (which Vert.x, Netty and the gateway's
 * {@code System.Logger}s all write to) with one handler on stderr, at {@code log.level} (JUL names, or
 * ERROR/WARN/INFO/DEBUG/TRACE), one line per record in {@code log.format} {@code text} or {@code json}. Causes
 * are one line each; whole stack traces only at DEBUG (FINE) or below. What libraries log at WARNING for ordinary
 * conditions is demoted ({@link ExpectedConditions}).
 */
public final class LogSetup {

  private LogSetup() {
  }

  /** Replaces the root logger's handlers with one configured from the {@code log} settings. */
  public static void apply(JsonObject log) {
    Level level = level(log.getString("level", "INFO"));
    boolean stackTraces = level.intValue() <= Level.FINE.intValue();
    Formatter formatter = "json".equals(log.getString("format", "text"))
        ? new JsonLogFormatter(stackTraces) : new TextLogFormatter(stackTraces);
    Logger root = Logger.getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    Handler handler = new ConsoleHandler();
    try {
      handler.setEncoding(StandardCharsets.UTF_8.name());
    } catch (UnsupportedEncodingException impossible) {
      throw new IllegalStateException(impossible);
    }
    handler.setFormatter(formatter);
    handler.setLevel(level);
    root.addHandler(handler);
    root.setLevel(level);
    ExpectedConditions.install();
  }

  /** A JUL level from its name or the common aliases. */
  static Level level(String name) {
    return switch (name.strip().toUpperCase(Locale.ROOT)) {
      case "ERROR" -> Level.SEVERE;
      case "WARN" -> Level.WARNING;
      case "DEBUG" -> Level.FINE;
      case "TRACE" -> Level.FINEST;
      default -> Level.parse(name.strip().toUpperCase(Locale.ROOT));
    };
  }
}
