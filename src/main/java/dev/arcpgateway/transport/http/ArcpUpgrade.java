package dev.arcpgateway.transport.http;

import dev.arcpgateway.transport.HostPolicy;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/**
 * The ARCP path (§4): a WebSocket upgrade checked against the Host/Origin allowlist becomes an ARCP connection;
 * anything else there is told to upgrade (426). An upgrade with more than one {@code Host} or {@code Origin} is
 * a bad request (RFC 9112 §3.2, RFC 6454 §7), whichever of them would be checked.
 */
final class ArcpUpgrade implements Handler<RoutingContext> {

  private static final System.Logger LOG = System.getLogger(ArcpUpgrade.class.getName());

  private final String path;
  private final HostPolicy hostPolicy;
  private final Handler<ServerWebSocket> onConnected;
  /** Said once per listener, so that each gateway (and each test's) tells when its connections go without. */
  private boolean warned;

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
      request.toWebSocket().onSuccess(ws -> {
        consolidateFlushes(request.connection());
        onConnected.handle(ws);
      });
    }
  }

  /**
   * Frames reach a connection from its session in batches, outside any read of its socket, and Vert.x flushes
   * each write made outside a read: one {@code write()} per frame. Netty's flush consolidation turns the flushes
   * of one event-loop turn into one, so a batch reaches the socket in one system call. The router hands over a
   * wrapper of the WebSocket, so the channel is found through the request's connection.
   */
  private void consolidateFlushes(HttpConnection connection) {
    if (connection instanceof ConnectionBase netty) {
      netty.channel().pipeline().addFirst("arcp-flush-consolidation",
          new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    } else if (!warned) {
      warned = true;
      LOG.log(System.Logger.Level.WARNING, "WebSocket connections of type {0} get no flush consolidation: each"
          + " frame costs a write() of its own", connection.getClass().getName());
    }
  }
}
