package dev.arcpgateway.transport.http;

import dev.arcpgateway.transport.HostPolicy;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;

/**
 * The ARCP path (§4): a WebSocket upgrade checked against the Host/Origin allowlist becomes an ARCP connection;
 * anything else there is told to upgrade (426). An upgrade with more than one {@code Host} or {@code Origin} is
 * a bad request (RFC 9112 §3.2, RFC 6454 §7), whichever of them would be checked.
 */
final class ArcpUpgrade implements Handler<RoutingContext> {

  private final String path;
  private final HostPolicy hostPolicy;
  private final Handler<ServerWebSocket> onConnected;

  ArcpUpgrade(String path, HostPolicy hostPolicy, Handler<ServerWebSocket> onConnected) {
    this.path = path;
    this.hostPolicy = hostPolicy;
    this.onConnected = onConnected;
  }

  @Override
  public void handle(RoutingContext context) {
    HttpServerRequest request = context.request();
    if (!path.equals(request.path())) {
      context.next(); // the router also matches a trailing slash; ARCP lives at exactly one path
    } else if (!request.canUpgradeToWebSocket()) {
      request.response().setStatusCode(426).putHeader("Upgrade", "websocket").end("ARCP speaks WebSocket here");
    } else {
      upgrade(request);
    }
  }

  private void upgrade(HttpServerRequest request) {
    MultiMap headers = request.headers();
    if (headers.getAll("Host").size() > 1 || headers.getAll("Origin").size() > 1) {
      request.response().setStatusCode(400).end();
    } else if (!hostPolicy.hostAllowed(headers.get("Host"))
        || !hostPolicy.originAllowed(headers.get("Origin"), headers.get("Host"))) {
      request.response().setStatusCode(403).end();
    } else {
      // a failed upgrade (the client went away mid-handshake) has no one left to answer
      request.toWebSocket().onSuccess(onConnected);
    }
  }
}
