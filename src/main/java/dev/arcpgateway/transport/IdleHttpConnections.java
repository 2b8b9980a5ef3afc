package dev.arcpgateway.transport;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes HTTP connections that sit idle before becoming WebSockets: bare TCP connections, half-sent requests,
 * keep-alive connections nobody uses. Each connection must send a request (or an upgrade) within
 * {@code timeoutMs} of opening or of its last request. Once upgraded it is no longer watched here — the hello
 * deadline and the session's heartbeats judge it from then on; a socket-level idle timeout would also cut quiet
 * sessions that did not negotiate heartbeats. Connections and upgrades are matched by the client's address, which
 * is unique among open connections. All calls on the transport verticle's event loop.
 */
final class IdleHttpConnections {

  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<SocketAddress, Watched> watched = new HashMap<>();

  /** @param timeoutMs 0: connections are never closed for idleness */
  IdleHttpConnections(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  void opened(HttpConnection connection) {
    if (timeoutMs <= 0) {
      return;
    }
    SocketAddress client = connection.remoteAddress();
    Watched entry = new Watched(connection);
    watched.put(client, entry);
    entry.arm();
    connection.closeHandler(v -> {
      entry.disarm();
      watched.remove(client, entry);
    });
  }

  /** The client at {@code client} sent a request: its idle time starts again. */
  void requested(SocketAddress client) {
    Watched entry = watched.get(client);
    if (entry != null) {
      entry.arm();
    }
  }

  /** The connection of {@code client} is a WebSocket now. */
  void upgraded(SocketAddress client) {
    Watched entry = watched.remove(client);
    if (entry != null) {
      entry.disarm();
    }
  }

  private final class Watched {
    private final HttpConnection connection;
    private long timer = -1;

    Watched(HttpConnection connection) {
      this.connection = connection;
    }

    void arm() {
      disarm();
      timer = vertx.setTimer(timeoutMs, t -> {
        timer = -1;
        connection.close();
      });
    }

    void disarm() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }
}
