package dev.arcpgateway.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.TimeUnit;

/**
 * Plain HTTP against the gateway's port (health, upgrade refusals). Every request uses its own client and
 * connection (no keep-alive): a pooled Vert.x 5 client connection reused after a while of other traffic
 * occasionally never saw its response in these tests, while the server answered the same pattern on a raw socket.
 * Each client is referenced until it is closed (a garbage-collected Vert.x 5 client closes its connections).
 */
public final class Http implements AutoCloseable {

  /** A response as the test sees it. */
  public record Response(int status, MultiMap headers, String body) {
  }

  private static final long WAIT_SECONDS = 10;

  private final Vertx vertx;

  public Http(Vertx vertx) {
    this.vertx = vertx;
  }

  public Response get(int port, String path) {
    return request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path));
  }

  public Response request(RequestOptions options) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    try {
      return client.request(options)
          .compose(request -> request.send())
          .compose(response -> response.body()
              .map((Buffer body) -> new Response(response.statusCode(), response.headers(), body.toString())))
          .await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("HTTP request failed: " + options.getURI(), e);
    } finally {
      client.close();
    }
  }

  /**
   * Tries a WebSocket upgrade and returns the HTTP status the server answered: 101 when it accepted (the socket is
   * closed again at once), otherwise the status of the {@link UpgradeRejectedException}.
   */
  public int upgradeStatus(WebSocketConnectOptions options) {
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      WebSocket socket = client.connect(options).await(WAIT_SECONDS, TimeUnit.SECONDS);
      socket.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
      return 101;
    } catch (UpgradeRejectedException e) {
      return e.getStatus();
    } catch (Exception e) {
      if (e.getCause() instanceof UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw new AssertionError("upgrade failed without an HTTP status", e);
    } finally {
      client.close();
    }
  }

  /** Nothing to release: every request closes its own client. */
  @Override
  public void close() {
  }
}
