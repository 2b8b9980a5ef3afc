package dev.arcpgateway.logging;

import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** {@code 2026-01-02T03:04:05.678Z WARNING io.vertx.core.net.impl.ConnectionBase message — cause}. */
final class TextLogFormatter extends Formatter {

  private final boolean stackTraces;

  TextLogFormatter(boolean stackTraces) {
    this.stackTraces = stackTraces;
  }

  @Override
  public String format(LogRecord record) {
    StringBuilder line = new StringBuilder()
        .append(Instant.ofEpochMilli(record.getMillis())).append(' ')
        .append(record.getLevel().getName()).append(' ')
        .append(record.getLoggerName()).append(' ')
        .append(formatMessage(record));
    String cause = LogLines.cause(record, stackTraces);
    if (cause != null) {
      line.append(stackTraces ? System.lineSeparator() : " — ").append(cause);
    }
    return line.append(System.lineSeparator()).toString();
  }
}
