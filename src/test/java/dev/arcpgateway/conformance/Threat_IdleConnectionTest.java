package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Refusals.assertPreWelcomeRefusal;
import static dev.arcpgateway.testing.Refusals.assertUsable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.RawWebSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threat: connections that hold a slot without ever becoming a session. A WebSocket that is not welcomed within
 * {@code transport.hello_timeout_ms} gets the pre-welcome refusal (UNAUTHENTICATED) and a 1008 close; a TCP or HTTP
 * connection that sends no request for {@code transport.http_idle_timeout_ms} is closed. Sessions are unaffected,
 * even quiet ones that negotiated no heartbeat.
 */
@ExtendWith(VertxExtension.class)
class Threat_IdleConnectionTest {

  static final long HELLO_TIMEOUT_MS = 300;
  static final long IDLE_TIMEOUT_MS = 300;

  static Vertx vertx;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gateway = TestGateway.start(vertx, options -> options.setHelloTimeoutMs(HELLO_TIMEOUT_MS)
        .setHeartbeatIntervalSec(1).setHttpIdleTimeoutMs(IDLE_TIMEOUT_MS));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aSilentWebSocketIsRefusedAtTheHelloDeadline() {
    WireClient client = gateway.connect();
    JsonObject error = assertPreWelcomeRefusal(client, null, "UNAUTHENTICATED");
    assertTrue(error.getJsonObject("payload").getString("message").contains("session.hello"), error::encode);
  }

  @Test
  void ignorableFramesDoNotExtendTheHelloDeadline() {
    WireClient client = gateway.connect();
    client.send(new JsonObject().put("arcp", "1.1").put("id", "01TESTVENDOR0000000000000001")
        .put("type", "x-vendor.keepalive").put("extensions", new JsonObject().put("optional", true))
        .put("payload", new JsonObject()));
    assertPreWelcomeRefusal(client, null, "UNAUTHENTICATED");
  }

  @Test
  void aWelcomedSessionOutlivesTheHelloDeadline() {
    WireClient client = gateway.session(TestGateway.ALICE);
    // pings come every heartbeat (one second): answering one proves the session lived past the deadline
    client.nextOfType("session.ping");
    client.send(Wire.ping(client.sessionId(), "p_after_deadline"));
    assertEquals("p_after_deadline", client.nextOfType("session.pong").getJsonObject("payload")
        .getString("ping_nonce"));
    assertTrue(!client.isClosed());
  }

  @Test
  void aBareTcpConnectionIsClosedWhenIdle() {
    try (RawWebSocket socket = RawWebSocket.open(gateway.port())) {
      assertTrue(socket.closedWithin(Duration.ofSeconds(5)), "still open");
    }
  }

  @Test
  void aPartialHttpRequestIsClosedWhenIdle() {
    try (RawWebSocket socket = RawWebSocket.open(gateway.port())) {
      socket.writeRaw("GET /arcp HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(socket.closedWithin(Duration.ofSeconds(5)), "still open");
    }
  }

  @Test
  void anUpgradedButSilentSocketIsClosed() {
    try (RawWebSocket ws = RawWebSocket.upgraded(gateway.port())) {
      ws.nextText(); // the refusal's session.error
      assertEquals(1008, ws.awaitCloseCode());
    }
  }

  @Test
  void aQuietSessionWithoutHeartbeatsOutlivesTheIdleTimeout() {
    WireClient client = gateway.connect();
    client.send(Wire.hello(TestGateway.ALICE, Wire.featuresWithout("heartbeat")));
    client.welcomed(client.expect("session.welcome"));
    client.expectSilence(Duration.ofMillis(IDLE_TIMEOUT_MS * 3));
    assertUsable(client);
  }

  @Test
  void aKeepAliveConnectionIsClosedWhenIdleAfterItsRequest() {
    try (RawWebSocket socket = RawWebSocket.open(gateway.port())) {
      socket.writeRaw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals(200, socket.upgradeStatus());
      assertTrue(socket.closedWithin(Duration.ofSeconds(5)), "still open");
    }
  }
}
