package dev.arcpgateway.transport.http;

import dev.arcpgateway.transport.HostPolicy;
import dev.arcpgateway.ui.DashboardRoutes;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The one router of the gateway's HTTP port: the ARCP WebSocket endpoint at its configured path, then every
 * {@link RouteGroup} the gateway serves beside it. The ARCP path is the only WebSocket endpoint, so an upgrade
 * anywhere else is 404 like any unknown path.
 */
public final class GatewayRouter {

  private GatewayRouter() {
  }

  /**
   * @param arcpPath    where ARCP is served (default {@code /arcp})
   * @param onConnected given each accepted ARCP WebSocket
   * @param groups      the other routes on this port, mounted in order after the ARCP endpoint
   */
  public static Router create(Vertx vertx, String arcpPath, HostPolicy hostPolicy,
                              Handler<ServerWebSocket> onConnected, List<RouteGroup> groups) {
    Router router = Router.router(vertx);
    router.route(arcpPath).handler(new ArcpUpgrade(arcpPath, hostPolicy, onConnected));
    router.route().handler(context -> {
      if (context.request().canUpgradeToWebSocket()) {
        context.response().setStatusCode(404).end();
      } else {
        context.next();
      }
    });
    router.get("/health").handler(context -> context.json(new JsonObject().put("status", "UP")));
    groups.forEach(group -> group.mount(router));
    new DashboardRoutes(arcpPath).mount(router);
    return router;
  }
}
