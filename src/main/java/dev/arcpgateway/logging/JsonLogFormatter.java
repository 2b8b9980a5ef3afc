package dev.arcpgateway.logging;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per line: {@code timestamp}, {@code level}, {@code logger}, {@code message}, and when known
 * {@code session_id}, {@code job_id} (the first of each the message names) and {@code error} (the cause).
 */
final class JsonLogFormatter extends Formatter {

  private final boolean stackTraces;

  JsonLogFormatter(boolean stackTraces) {
    this.stackTraces = stackTraces;
  }

  @Override
  public String format(LogRecord record) {
    String message = formatMessage(record);
    JsonObject line = new JsonObject()
        .put("timestamp", Instant.ofEpochMilli(record.getMillis()).toString())
        .put("level", record.getLevel().getName())
        .put("logger", record.getLoggerName())
        .put("message", message);
    putIfKnown(line, "session_id", LogLines.sessionId(message));
    putIfKnown(line, "job_id", LogLines.jobId(message));
    putIfKnown(line, "error", LogLines.cause(record, stackTraces));
    return line.encode() + System.lineSeparator();
  }

  private static void putIfKnown(JsonObject line, String key, String value) {
    if (value != null) {
      line.put(key, value);
    }
  }
}
