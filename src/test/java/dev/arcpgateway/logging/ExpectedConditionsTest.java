package dev.arcpgateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A message for a consumer that has just gone (a session or job that ended while it was in flight) is an
 * expected condition: after {@link LogSetup#apply}, Vert.x's WARNING for it reaches handlers as FINE, so the
 * configured INFO handler drops it, while other warnings of the same logger stay warnings.
 */
class ExpectedConditionsTest {

  private final Logger root = Logger.getLogger("");
  private final Handler[] rootHandlers = root.getHandlers();
  private final Level rootLevel = root.getLevel();
  private final Logger consumers = Logger.getLogger("io.vertx.core.eventbus.impl.MessageConsumerImpl");
  private final List<LogRecord> published = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      published.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @AfterEach
  void restore() {
    consumers.removeHandler(capture);
    consumers.setFilter(null);
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    for (Handler handler : rootHandlers) {
      root.addHandler(handler);
    }
    root.setLevel(rootLevel);
  }

  @Test
  void aDiscardedMessageForAGoneConsumerIsDemoted() {
    LogSetup.apply(new JsonObject());
    consumers.addHandler(capture);
    consumers.warning("Discarding message since the consumer is not registered. address: arcp.session.sess_x");
    consumers.warning("something else");
    assertEquals(Level.FINE, published.get(0).getLevel());
    assertEquals(Level.WARNING, published.get(1).getLevel());
    Handler configured = root.getHandlers()[0];
    assertTrue(configured.isLoggable(published.get(1)), "other warnings are written");
    assertFalse(configured.isLoggable(published.get(0)), "the demoted one is not, at INFO");
  }
}
