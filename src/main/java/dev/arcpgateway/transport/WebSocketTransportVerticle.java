package dev.arcpgateway.transport;

import dev.arcpgateway.config.GatewayOptions;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import java.util.function.IntConsumer;

/**
 * ARCP over WebSocket (§4): one JSON envelope per text message at {@code ws://host:port/arcp}, the upgrade
 * checked against the Host/Origin allowlist. Frames over the configured limit are answered with an
 * INVALID_REQUEST instead of forwarded; frames several times larger make the server close the connection
 * (1009), as nothing that large is worth buffering. {@code GET /health} answers {@code {"status":"UP"}}.
 */
public final class WebSocketTransportVerticle extends VerticleBase {

  private final GatewayOptions options;
  private final IntConsumer onListening;
  private HostPolicy hostPolicy;

  /** @param onListening told the bound port once the server listens */
  public WebSocketTransportVerticle(GatewayOptions options, IntConsumer onListening) {
    this.options = options;
    this.onListening = onListening;
  }

  @Override
  public Future<?> start() {
    hostPolicy = new HostPolicy(options.allowedHosts(), options.allowedOrigins(), options.host());
    int hardLimit = (int) Math.min(Integer.MAX_VALUE - 8, 4L * options.maxFrameBytes());
    HttpServerOptions serverOptions = new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setMaxWebSocketFrameSize(hardLimit)
        .setMaxWebSocketMessageSize(hardLimit)
        .setTcpNoDelay(true);
    return vertx.createHttpServer(serverOptions)
        .webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(this::connected)
        .requestHandler(this::http)
        .listen()
        .onSuccess((HttpServer server) -> onListening.accept(server.actualPort()));
  }

  private void handshake(ServerWebSocketHandshake handshake) {
    if (!options.path().equals(handshake.path())) {
      handshake.reject(404);
    } else if (!hostPolicy.hostAllowed(handshake.headers().get("Host"))
        || !hostPolicy.originAllowed(handshake.headers().get("Origin"))) {
      handshake.reject(403);
    } else {
      handshake.accept();
    }
  }

  private void connected(ServerWebSocket ws) {
    ClientConnection connection = new ClientConnection(vertx, new WebSocketFrames(ws), options.maxFrameBytes());
    ws.pause();
    connection.start().onComplete(started -> {
      ws.textMessageHandler(connection::onText);
      ws.binaryMessageHandler(buffer -> connection.onText(buffer.toString()));
      ws.closeHandler(v -> connection.onClosed());
      ws.exceptionHandler(e -> {
        if (e instanceof CorruptedWebSocketFrameException corrupted) {
          ws.close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText()); // 1009 for size
        } else {
          ws.close((short) 1011, "transport error");
        }
      });
      ws.resume();
    });
  }

  private void http(HttpServerRequest request) {
    if ("/health".equals(request.path())) {
      request.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("status", "UP").encode());
    } else if (options.path().equals(request.path())) {
      request.response().setStatusCode(426).putHeader("Upgrade", "websocket").end("ARCP speaks WebSocket here");
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  /** A server WebSocket as a {@link FrameSocket}. */
  private record WebSocketFrames(ServerWebSocket ws) implements FrameSocket {
    @Override
    public void write(String frame) {
      ws.writeTextMessage(frame);
    }

    @Override
    public boolean writeQueueFull() {
      return ws.writeQueueFull();
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
      ws.close((short) code, reason);
    }
  }
}
