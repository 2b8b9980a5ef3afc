package dev.arcpgateway.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What both log formats take from a record: the session and job ids its message names, and its cause. */
final class LogLines {

  private static final Pattern SESSION = Pattern.compile("\\bsess_[0-9A-Za-z]{26}\\b");
  private static final Pattern JOB = Pattern.compile("\\bjob_[0-9A-Za-z]{26}\\b");

  private LogLines() {
  }

  /** The first session id in {@code message}, or null. */
  static String sessionId(String message) {
    return first(SESSION, message);
  }

  /** The first job id in {@code message}, or null. */
  static String jobId(String message) {
    return first(JOB, message);
  }

  private static String first(Pattern pattern, String message) {
    if (message == null) {
      return null;
    }
    Matcher matcher = pattern.matcher(message);
    return matcher.find() ? matcher.group() : null;
  }

  /** The record's cause chain on one line ({@code A: msg; caused by B: msg}), or its whole stack trace. */
  static String cause(LogRecord record, boolean stackTrace) {
    Throwable thrown = record.getThrown();
    if (thrown == null) {
      return null;
    }
    if (stackTrace) {
      StringWriter out = new StringWriter();
      thrown.printStackTrace(new PrintWriter(out));
      return out.toString().stripTrailing();
    }
    StringBuilder line = new StringBuilder();
    for (Throwable t = thrown; t != null && line.length() < 2_000; t = t.getCause() == t ? null : t.getCause()) {
      if (t != thrown) {
        line.append("; caused by ");
      }
      line.append(t.getClass().getName());
      if (t.getMessage() != null) {
        line.append(": ").append(t.getMessage().replace('\n', ' '));
      }
    }
    return line.toString();
  }
}
