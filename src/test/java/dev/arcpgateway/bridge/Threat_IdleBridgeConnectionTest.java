package dev.arcpgateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threat: agent-bridge connections that hold a slot for nothing. One that sends no credential within
 * {@code transport.bridge_auth_timeout_ms} (silent, or pinging only) and one that leaves a frame unfinished for
 * {@code transport.bridge_frame_timeout_ms} get an {@code err} frame and are closed; an announced agent with no
 * work stays connected.
 */
@ExtendWith(VertxExtension.class)
class Threat_IdleBridgeConnectionTest {

  static final long AUTH_TIMEOUT_MS = 600;
  static final long FRAME_TIMEOUT_MS = 300;
  static final Duration CLOSED_WITHIN = Duration.ofSeconds(5);

  static TestGateway gateway;
  static int port;
  final List<BridgeSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = BridgeFixtures.gateway(vertx, bridge -> { }, options -> options
        .setBridgeAuthTimeoutMs(AUTH_TIMEOUT_MS).setBridgeFrameTimeoutMs(FRAME_TIMEOUT_MS));
    port = gateway.gateway().bridgePort();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(BridgeSocket::close);
  }

  private BridgeSocket connect() {
    BridgeSocket socket = BridgeSocket.connect(port);
    sockets.add(socket);
    return socket;
  }

  @Test
  void aSilentConnectionIsClosedAtTheCredentialDeadline() {
    List<JsonObject> frames = connect().framesUntilClosed(CLOSED_WITHIN);
    assertErr(frames, "no credential");
  }

  @Test
  void pingsAreAnsweredButAreNoCredential() {
    BridgeSocket socket = connect();
    assertTrue(socket.answersPing());
    assertErr(socket.framesUntilClosed(CLOSED_WITHIN), "no credential");
  }

  @Test
  void aPartialLengthPrefixIsClosedAtTheFrameDeadline() {
    BridgeSocket socket = connect();
    socket.writeRaw(new byte[] {0, 0});
    assertErr(socket.framesUntilClosed(CLOSED_WITHIN), "not finished");
  }

  @Test
  void anAuthenticatedAgentHoldingAPartialFrameIsClosed() {
    BridgeSocket socket = BridgeSocket.announced(port, BridgeFixtures.AGENT_TOKEN, "idle-partial", "1.0.0", 1);
    sockets.add(socket);
    socket.writeRaw(new byte[] {0, 0, 0, 100, '{', '"', 't'});
    assertErr(socket.framesUntilClosed(CLOSED_WITHIN), "not finished");
  }

  @Test
  void anAnnouncedAgentWithNoWorkStaysConnected() {
    BridgeSocket socket = BridgeSocket.announced(port, BridgeFixtures.AGENT_TOKEN, "idle-ok", "1.0.0", 1);
    sockets.add(socket);
    assertNull(socket.poll(Duration.ofMillis(2 * AUTH_TIMEOUT_MS)), "nothing is sent to an idle agent");
    assertTrue(socket.answersPing(), "still connected past both deadlines");
  }

  private static void assertErr(List<JsonObject> frames, String reason) {
    JsonObject last = frames.get(frames.size() - 1);
    assertEquals("err", last.getString("type"), () -> frames.toString());
    assertTrue(last.getString("message").contains(reason), last::encode);
  }
}
