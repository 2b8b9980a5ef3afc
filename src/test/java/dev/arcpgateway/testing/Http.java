package dev.arcpgateway.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.TimeUnit;

/**
 * Plain HTTP against the gateway's port (health, upgrade refusals). Keeps a strong reference to its Vert.x
 * client: a garbage-collected Vert.x 5 client closes its connections.
 */
public final class Http implements AutoCloseable {

  /** A response as the test sees it. */
  public record Response(int status, MultiMap headers, String body) {
  }

  private final Vertx vertx;
  private final HttpClient client;

  public Http(Vertx vertx) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
  }

  public Response get(int port, String path) {
    return request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path));
  }

  public Response request(RequestOptions options) {
    try {
      return client.request(options)
          .compose(request -> request.send())
          .compose(response -> response.body()
              .map((Buffer body) -> new Response(response.statusCode(), response.headers(), body.toString())))
          .await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("HTTP request failed: " + options.getURI(), e);
    }
  }

  /**
   * Tries a WebSocket upgrade and returns the HTTP status the server answered: 101 when it accepted (the socket is
   * closed again at once), otherwise the status of the {@link UpgradeRejectedException}.
   */
  public int upgradeStatus(WebSocketConnectOptions options) {
    WebSocketClient ws = vertx.createWebSocketClient();
    try {
      WebSocket socket = ws.connect(options).await(10, TimeUnit.SECONDS);
      socket.close().await(10, TimeUnit.SECONDS);
      return 101;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      if (e.getCause() instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw new AssertionError("upgrade failed without an HTTP status", e);
    } finally {
      ws.close();
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
