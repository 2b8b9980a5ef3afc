package dev.arcpgateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.ForwardingStore;
import dev.arcpgateway.testing.Http;
import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /health} (liveness: every event loop answers) and {@code /ready} (listener bound, store answering,
 * not draining, added checks passing) over real HTTP: 200 when all checks are up, else 503 with a JSON body that
 * names each check and why it fails, without the failure's own text.
 */
@ExtendWith(VertxExtension.class)
class HealthAndReadinessTest {

  /** A store whose ping fails on demand, with an error text that must never reach the HTTP answer. */
  static final class PingableStore extends ForwardingStore {
    final AtomicBoolean down = new AtomicBoolean();

    @Override
    public Future<Void> ping() {
      return down.get() ? Future.failedFuture("connection to postgres://admin:hunter2@db refused")
          : Future.succeededFuture();
    }
  }

  static final PingableStore STORE = new PingableStore();
  static final AtomicBoolean CLUSTER_JOINED = new AtomicBoolean(true);
  static TestGateway gateway;
  static Http http;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, List.of(), builder -> builder.store(STORE)
        .readinessCheck("cluster", () -> CLUSTER_JOINED.get() ? Future.succeededFuture()
            : Future.failedFuture("not a member")));
    http = new Http(vertx);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @AfterEach
  void restore() {
    STORE.down.set(false);
    CLUSTER_JOINED.set(true);
  }

  private static Map<String, String> checks(JsonObject body) {
    JsonArray checks = body.getJsonArray("checks");
    return checks.stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(c -> c.getString("id"), c -> c.getString("status")));
  }

  @Test
  void healthIsUpWhenEveryEventLoopAnswers() {
    Http.Response response = http.get(gateway.port(), "/health");
    assertEquals(200, response.status());
    JsonObject body = new JsonObject(response.body());
    assertEquals("UP", body.getString("status"));
    assertEquals(Map.of("event-loops", "UP"), checks(body));
  }

  @Test
  void readyWhenListeningWithAStoreThatAnswers() {
    Http.Response response = http.get(gateway.port(), "/ready");
    assertEquals(200, response.status(), response.body());
    assertEquals(Map.of("listener", "UP", "store", "UP", "not-draining", "UP", "cluster", "UP"),
        checks(new JsonObject(response.body())));
  }

  @Test
  void notReadyWhileTheStoreDoesNotAnswer() {
    STORE.down.set(true);
    Http.Response down = http.get(gateway.port(), "/ready");
    assertEquals(503, down.status());
    JsonObject body = new JsonObject(down.body());
    assertEquals("DOWN", body.getString("status"));
    assertEquals(Map.of("listener", "UP", "store", "DOWN", "not-draining", "UP", "cluster", "UP"), checks(body));
    assertFalse(down.body().contains("hunter2"), "the store's error text stays inside: " + down.body());
    assertTrue(down.body().contains("the store does not answer"), down.body());
    assertEquals(200, http.get(gateway.port(), "/health").status(), "liveness does not depend on the store");

    STORE.down.set(false);
    assertEquals(200, http.get(gateway.port(), "/ready").status(), "ready again once the store answers");
  }

  @Test
  void anAddedCheckThatFailsMakesTheNodeNotReady() {
    CLUSTER_JOINED.set(false);
    Http.Response down = http.get(gateway.port(), "/ready");
    assertEquals(503, down.status());
    assertEquals("DOWN", checks(new JsonObject(down.body())).get("cluster"));
  }
}
