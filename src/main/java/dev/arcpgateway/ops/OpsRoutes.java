package dev.arcpgateway.ops;

import dev.arcpgateway.transport.http.RouteGroup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The operations endpoints beside ARCP: {@code GET /health} (liveness, {@link Liveness}), {@code GET /ready}
 * (readiness, {@link Readiness}) — both 200 when every check is up, else 503, with a JSON body naming each check
 * and its status — and {@code GET /metrics} (Prometheus text) when metrics are on.
 */
public final class OpsRoutes implements RouteGroup {

  private final Vertx vertx;
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;

  /** @param registry scraped at {@code /metrics}; null when metrics are off (the path is then unknown, 404) */
  public OpsRoutes(Vertx vertx, Readiness readiness, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public void mount(Router router) {
    HealthChecks liveness = HealthChecks.create(vertx);
    Liveness.register(vertx, liveness);
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    HealthChecks ready = HealthChecks.create(vertx);
    readiness.register(ready);
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    if (registry != null) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    }
  }
}
