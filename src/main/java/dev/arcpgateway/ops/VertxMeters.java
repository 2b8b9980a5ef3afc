package dev.arcpgateway.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.Vertx;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A Vert.x instance that reports its own meters (HTTP server and client, pools, and the event bus when asked) to a
 * Prometheus registry through vertx-micrometer-metrics, the registry the gateway's meters and {@code /metrics} use
 * too.
 */
public final class VertxMeters {

  /**
   * vertx-micrometer-metrics registers its {@code vertx.eventbus.handlers} gauge once per consumer, and Micrometer
   * says so once with a WARNING although the gauge counts right; that expected notice is silenced. Held strongly:
   * java.util.logging keeps loggers only weakly.
   */
  private static final Logger DUPLICATE_GAUGE_NOTICE = Logger.getLogger("io.micrometer.core.instrument.MeterRegistry");

  private VertxMeters() {
  }

  /**
   * A builder for a Vert.x with {@code options} whose meters go to {@code registry}; with {@code eventBus} false
   * the event bus is not metered (every message between verticles would be counted and timed).
   */
  public static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry, boolean eventBus) {
    DUPLICATE_GAUGE_NOTICE.setLevel(Level.SEVERE);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true);
    if (!eventBus) {
      metrics.addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    }
    options.setMetricsOptions(metrics);
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }
}
