package dev.arcpgateway.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Plain HTTP against the gateway's port (health, metrics, pages, upgrade refusals). Requests go through the JDK's
 * own HTTP client: a fresh Vert.x 5 client per request occasionally never saw its response (about 1 in 3,000 here,
 * while 6,000 requests on raw sockets to the same server were all answered), which made these tests flaky.
 * Upgrades still use Vert.x's WebSocket client, whose refusal carries the status.
 */
public final class Http implements AutoCloseable {

  /** A response as the test sees it. */
  public record Response(int status, MultiMap headers, String body) {
  }

  private static final long WAIT_SECONDS = 10;

  private final Vertx vertx;
  private final java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(WAIT_SECONDS))
      .build();

  public Http(Vertx vertx) {
    this.vertx = vertx;
  }

  public Response get(int port, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(WAIT_SECONDS)).GET().build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      response.headers().map().forEach(headers::add);
      return new Response(response.statusCode(), headers, response.body());
    } catch (IOException e) {
      throw new AssertionError("HTTP request failed: " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + path, e);
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

  /** Nothing to release: the JDK client holds no resources once its exchanges ended. */
  @Override
  public void close() {
  }
}
