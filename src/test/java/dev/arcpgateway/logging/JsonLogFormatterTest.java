package dev.arcpgateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The JSON log line: ids named by the message become fields; a cause is one line unless stack traces are on. */
class JsonLogFormatterTest {

  private static final String SESSION = "sess_01M91BKCXM0VWXN6E9EE7W11MT";
  private static final String JOB = "job_01M91BKCZHCY043ZRCZ04VX0V7";

  @Test
  void sessionAndJobIdsInTheMessageBecomeFields() {
    LogRecord record = new LogRecord(Level.WARNING, "job {0} of session {1} lost its agent");
    record.setParameters(new Object[] {JOB, SESSION});
    record.setLoggerName("dev.arcpgateway.job");
    JsonObject line = new JsonObject(new JsonLogFormatter(false).format(record));
    assertEquals("WARNING", line.getString("level"));
    assertEquals("dev.arcpgateway.job", line.getString("logger"));
    assertEquals("job " + JOB + " of session " + SESSION + " lost its agent", line.getString("message"));
    assertEquals(SESSION, line.getString("session_id"));
    assertEquals(JOB, line.getString("job_id"));
    assertNull(line.getString("error"));
  }

  @Test
  void aCauseIsOneLineWithItsChain() {
    LogRecord record = new LogRecord(Level.SEVERE, "unexpected");
    record.setThrown(new IllegalStateException("outer", new IOException("inner")));
    String formatted = new JsonLogFormatter(false).format(record);
    assertEquals(1, formatted.lines().count(), formatted);
    assertEquals("java.lang.IllegalStateException: outer; caused by java.io.IOException: inner",
        new JsonObject(formatted).getString("error"));
    String text = new TextLogFormatter(false).format(record);
    assertEquals(1, text.lines().count(), text);
    assertFalse(text.contains("\tat "), text);
  }
}
