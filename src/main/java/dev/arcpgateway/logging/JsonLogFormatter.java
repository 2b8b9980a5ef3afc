package dev.arcpgateway.logging;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: {@code timestamp}, {@code level}, {@code logger}, {@code message}, and when known
 * {@code session_id}, {@code job_id} (the first of each the message names) and {@code error} (the cause).
 * Written with jackson-core's string quoting rather than Vert.x's {@code JsonObject}: Vert.x's JSON codec logs
 * while it loads, and a formatter that needed it would re-enter itself.
 */
final class JsonLogFormatter extends Formatter {

  private final boolean stackTraces;

  JsonLogFormatter(boolean stackTraces) {
    this.stackTraces = stackTraces;
  }

  @Override
  public String format(LogRecord record) {
    String message = formatMessage(record);
    StringBuilder line = new StringBuilder(128 + (message == null ? 0 : message.length())).append('{');
    field(line, "timestamp", Instant.ofEpochMilli(record.getMillis()).toString());
    field(line, "level", record.getLevel().getName());
    field(line, "logger", record.getLoggerName());
    field(line, "message", message);
    field(line, "session_id", LogLines.sessionId(message));
    field(line, "job_id", LogLines.jobId(message));
    field(line, "error", LogLines.cause(record, stackTraces));
    return line.append('}').append(System.lineSeparator()).toString();
  }

  /** Appends {@code "name":"value"} when there is a value. */
  private static void field(StringBuilder line, String name, String value) {
    if (value == null) {
      return;
    }
    if (line.length() > 1) {
      line.append(',');
    }
    line.append('"').append(name).append("\":\"");
    JsonStringEncoder.getInstance().quoteAsString(value, line);
    line.append('"');
  }
}
