package dev.arcpgateway.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of the gateway whose connections the test can cut, as a network failure would: both
 * sockets of every connection through it are closed, and it keeps accepting new ones (the reconnection).
 */
final class SeveringProxy implements AutoCloseable {

  private final NetServer server;
  private final NetClient client;
  private final List<NetSocket> open = new CopyOnWriteArrayList<>();

  private SeveringProxy(Vertx vertx, int gatewayPort) {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(downstream -> {
      downstream.pause();
      client.connect(gatewayPort, "127.0.0.1").onSuccess(upstream -> {
        open.add(downstream);
        open.add(upstream);
        downstream.handler(upstream::write);
        upstream.handler(downstream::write);
        downstream.closeHandler(v -> upstream.close());
        upstream.closeHandler(v -> downstream.close());
        downstream.resume();
      }).onFailure(e -> downstream.close());
    });
  }

  static SeveringProxy to(Vertx vertx, int gatewayPort) throws Exception {
    SeveringProxy proxy = new SeveringProxy(vertx, gatewayPort);
    proxy.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return proxy;
  }

  String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/arcp";
  }

  /**
   * Cuts every connection now open, and returns once they are closed: nothing the gateway sends after this passes
   * through them (a close asked from the test's thread happens later, on each socket's event loop).
   */
  void sever() throws Exception {
    List<NetSocket> cut = List.copyOf(open);
    open.clear();
    Future.join(cut.stream().map(NetSocket::close).toList()).await(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    sever();
    server.close().await(10, TimeUnit.SECONDS);
    client.close().await(10, TimeUnit.SECONDS);
  }
}
