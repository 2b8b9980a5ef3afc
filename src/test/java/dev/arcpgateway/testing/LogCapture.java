package dev.arcpgateway.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what the gateway logs at WARNING or above while it is open (the gateway's {@code System.Logger} and
 * Vert.x both log through java.util.logging here). Records from every thread of the JVM are kept, so use it
 * around a sequence that nothing else runs beside.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger root = Logger.getLogger("");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        records.add(record);
      }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  private LogCapture() {
  }

  public static LogCapture start() {
    LogCapture capture = new LogCapture();
    capture.root.addHandler(capture.handler);
    return capture;
  }

  /** Each record as {@code LEVEL logger: message (thrown)}, for assertion messages. */
  public List<String> lines() {
    return records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
        + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")")).toList();
  }

  @Override
  public void close() {
    root.removeHandler(handler);
  }
}
