package dev.arcpgateway.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what is logged under a logger name while open (the gateway's {@code System.Logger} and Vert.x both log
 * through java.util.logging here). Records from every thread of the JVM are kept, so capture the root logger
 * ({@code ""}) only around a sequence that nothing else runs beside.
 */
public final class LogCapture extends Handler implements AutoCloseable {

  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  /** Captures {@code loggerName} and everything below it (a package name captures the package). */
  public static LogCapture of(String loggerName) {
    LogCapture capture = new LogCapture(Logger.getLogger(loggerName));
    capture.setLevel(Level.ALL);
    capture.logger.addHandler(capture);
    return capture;
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  /** Records at {@code level} or above whose formatted message or cause mentions {@code text}. */
  public List<LogRecord> mentioning(Level level, String text) {
    return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
        .filter(r -> formatted(r).contains(text)
            || r.getThrown() != null && String.valueOf(r.getThrown().getMessage()).contains(text))
        .toList();
  }

  /** Records at {@code level} or above as {@code LEVEL logger: message (thrown)}, for assertion messages. */
  public List<String> lines(Level level) {
    return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue())
        .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + formatted(r)
            + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")")).toList();
  }

  /** The message with its parameters filled in. */
  public static String formatted(LogRecord record) {
    String message = record.getMessage();
    Object[] params = record.getParameters();
    return params == null ? message : java.text.MessageFormat.format(message, params);
  }

  public List<LogRecord> records() {
    return records;
  }

  @Override
  public void flush() {
  }

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
