package dev.arcpgateway.transport;

import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.ops.LiveCount;
import dev.arcpgateway.transport.http.GatewayRouter;
import dev.arcpgateway.transport.http.RouteGroup;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * ARCP over WebSocket (§4): one JSON envelope per text message at {@code ws://host:port/arcp}, the upgrade
 * checked against the Host/Origin allowlist (an upgrade with more than one {@code Host} or {@code Origin} is
 * refused with 400). Frames over the configured limit are answered with an INVALID_REQUEST instead of forwarded;
 * messages several times larger make the server close the connection (1009), as nothing that large is worth
 * buffering. Text that is not UTF-8 closes with 1007, a reserved bit (no extension is negotiated) with 1002. A
 * connection that neither upgrades nor sends a request for {@code transport.http_idle_timeout_ms} is closed
 * ({@link IdleHttpConnections}), and one that upgrades but is not welcomed within
 * {@code transport.hello_timeout_ms} is refused ({@link ClientConnection}). The port's HTTP routes — the ARCP
 * upgrade and the {@link RouteGroup}s beside it — are one {@link GatewayRouter}.
 */
public final class WebSocketTransportVerticle extends VerticleBase {

  private final GatewayOptions options;
  private final List<RouteGroup> routes;
  private final LiveCount openConnections;
  private final IntConsumer onListening;
  private final int lane;
  private final int port;
  /** Messages this large are not worth reading at all: the connection is closed (1009). */
  private int hardLimit;
  private IdleHttpConnections idle;

  /**
   * @param routes          served on the same port beside ARCP
   * @param openConnections counts the ARCP WebSockets of every instance (a drain waits for them to close)
   * @param onListening     told the bound port once the server listens
   * @param lane            the lane this instance serves: its connections' sessions open there
   * @param port            where to listen: the configured port for the first lane, the port it bound for the
   *                        others, so that every lane shares one listener (also when the configured port is 0)
   */
  public WebSocketTransportVerticle(GatewayOptions options, List<RouteGroup> routes, LiveCount openConnections,
                                    IntConsumer onListening, int lane, int port) {
    this.lane = lane;
    this.port = port;
    this.options = options;
    this.routes = List.copyOf(routes);
    this.openConnections = openConnections;
    this.onListening = onListening;
  }

  @Override
  public Future<?> start() {
    HostPolicy hostPolicy = new HostPolicy(options.allowedHosts(), options.allowedOrigins(), options.host());
    hardLimit = (int) Math.min(Integer.MAX_VALUE - 8, 4L * options.maxFrameBytes());
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.host())
        .setPort(port)
        .setMaxWebSocketFrameSize(hardLimit)
        // no extension is offered, so the frame decoder fails any frame with an RSV bit set (RFC 6455 §5.2: 1002)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // HTTP/1.1 only: with h2c on, a connection is not an HttpConnection (and not watched) until its first bytes
        .setHttp2ClearTextEnabled(false)
        .setTcpNoDelay(true);
    if (options.tls()) {
      serverOptions.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(options.tlsCertFile())
          .setKeyPath(options.tlsKeyFile()));
    }
    idle = new IdleHttpConnections(vertx, options.httpIdleTimeoutMs());
    Router router = GatewayRouter.create(vertx, options.path(), hostPolicy, this::connected, routes);
    return vertx.createHttpServer(serverOptions)
        .connectionHandler(idle::opened)
        .requestHandler(request -> {
          idle.requested(request.remoteAddress());
          router.handle(request);
        })
        .listen()
        .recover(failed -> Future.failedFuture(new ListenException("the ARCP listener", options.host(),
            port, failed)))
        .onSuccess((HttpServer server) -> onListening.accept(server.actualPort()));
  }

  private void connected(ServerWebSocket ws) {
    idle.upgraded(ws.remoteAddress());
    ClientConnection connection = new ClientConnection(vertx, new WebSocketFrames(ws), options.maxFrameBytes(),
        options.helloTimeoutMs(), lane);
    WebSocketMessages messages = new WebSocketMessages(hardLimit, connection::onText,
        (code, reason) -> ws.close((short) code, reason));
    ws.pause();
    openConnections.added();
    connection.start().onComplete(started -> {
      ws.frameHandler(messages::onFrame);
      ws.closeHandler(v -> {
        connection.onClosed();
        openConnections.removed();
      });
      ws.exceptionHandler(e -> {
        if (e instanceof CorruptedWebSocketFrameException corrupted) {
          // 1009 for size, 1002 for a protocol violation such as an RSV bit
          ws.close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
        } else {
          ws.close((short) 1011, "transport error");
        }
      });
      ws.resume();
    });
  }

  /**
   * A server WebSocket as a {@link FrameSocket}. The socket can close (the client's close frame, a reset) before
   * its close handler has told the connection, so every call checks first: writing to a closed socket is an
   * expected race, not an error.
   */
  private record WebSocketFrames(ServerWebSocket ws) implements FrameSocket {
    @Override
    public void write(String frame) {
      if (!ws.isClosed()) {
        ws.writeTextMessage(frame);
      }
    }

    @Override
    public boolean writeQueueFull() {
      return !ws.isClosed() && ws.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable handler) {
      ws.drainHandler(v -> handler.run());
    }

    @Override
    public String remoteAddress() {
      return ws.remoteAddress() == null ? "unknown" : ws.remoteAddress().hostAddress();
    }

    @Override
    public void close(int code, String reason) {
      if (!ws.isClosed()) {
        ws.close((short) code, reason);
      }
    }
  }
}
