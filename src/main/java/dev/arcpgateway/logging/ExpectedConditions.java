package dev.arcpgateway.logging;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Demotes to FINE what libraries log at WARNING for conditions that are ordinary in a gateway: Vert.x's
 * "Discarding message since the consumer is not registered" is an event or reply for a session or job that has
 * just ended (its consumer went away while the message was in flight). The record stays visible at DEBUG.
 */
final class ExpectedConditions implements Filter {

  /** Loggers keep their filter only while referenced: JUL holds loggers weakly. */
  private static final Logger CONSUMERS = Logger.getLogger("io.vertx.core.eventbus.impl.MessageConsumerImpl");

  private ExpectedConditions() {
  }

  static void install() {
    CONSUMERS.setFilter(new ExpectedConditions());
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    String message = record.getMessage();
    if (message != null && message.startsWith("Discarding message since the consumer is not registered")) {
      record.setLevel(Level.FINE); // the handler, at the configured level, then writes it only at DEBUG
    }
    return true;
  }
}
