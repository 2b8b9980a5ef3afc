package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arcpgateway.testing.RawWebSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threat: frames and upgrades that RFC 6455 says a server must refuse, written by hand on a raw socket. A text
 * message that is not UTF-8 closes with 1007 (§8.1), reserved bits without a negotiated extension close with 1002
 * (§5.2), and an upgrade carrying two {@code Host} (RFC 9112 §3.2) or {@code Origin} headers is answered 400, never
 * judged on one of them.
 */
@ExtendWith(VertxExtension.class)
class Threat_Rfc6455FramesTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** A truncated two-byte sequence, an overlong encoding, a UTF-16 surrogate, a byte that never appears. */
  @ParameterizedTest
  @ValueSource(strings = {"c328", "c0af", "eda080", "ff"})
  void invalidUtf8BeforeHelloClosesWith1007(String hex) {
    try (RawWebSocket ws = RawWebSocket.upgraded(gateway.port())) {
      ws.writeFrame(0, RawWebSocket.OP_TEXT, utf8WithInvalid(hex));
      assertEquals(1007, ws.awaitCloseCode());
    }
  }

  @Test
  void invalidUtf8InASessionClosesWith1007() {
    try (RawWebSocket ws = welcomed()) {
      ws.writeFrame(0, RawWebSocket.OP_TEXT, utf8WithInvalid("eda080"));
      assertEquals(1007, ws.awaitCloseCode());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4, 7})
  void reservedBitsWithoutAnExtensionCloseWith1002(int rsv) {
    try (RawWebSocket ws = welcomed()) {
      ws.writeFrame(rsv, RawWebSocket.OP_TEXT, "{}".getBytes(StandardCharsets.UTF_8));
      assertEquals(1002, ws.awaitCloseCode());
    }
  }

  @Test
  void validUtf8IsReadOn() {
    try (RawWebSocket ws = welcomed()) {
      ws.writeFrame(0, RawWebSocket.OP_TEXT, "{\"arcp\":\"1.1\",\"x\":\"\u00fc\"}".getBytes(StandardCharsets.UTF_8));
      assertEquals("session.error", new JsonObject(ws.nextText()).getString("type"), "read and answered");
      ws.writeFrame(4, RawWebSocket.OP_TEXT, new byte[0]);
      assertEquals(1002, ws.awaitCloseCode(), "the next frame's RSV3 closes");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:%d|evil.example", "evil.example|127.0.0.1:%d", "127.0.0.1:%d|localhost:%d",
      "127.0.0.1:%d|127.0.0.1:%d"})
  void twoHostHeadersAreABadRequest(String hosts) {
    List<String> lines = java.util.Arrays.stream(hosts.split("\\|"))
        .map(host -> "Host: " + host.formatted(gateway.port(), gateway.port())).toList();
    try (RawWebSocket ws = RawWebSocket.open(gateway.port())) {
      ws.requestUpgrade("/arcp", lines);
      assertEquals(400, ws.upgradeStatus());
    }
  }

  @Test
  void twoOriginHeadersAreABadRequest() {
    try (RawWebSocket ws = RawWebSocket.open(gateway.port())) {
      ws.requestUpgrade("/arcp", List.of("Host: 127.0.0.1:" + gateway.port(), "Origin: http://localhost",
          "Origin: http://evil.example"));
      assertEquals(400, ws.upgradeStatus());
    }
  }

  @Test
  void oneHostHeaderIsSwitched() {
    try (RawWebSocket ws = RawWebSocket.open(gateway.port())) {
      ws.requestUpgrade("/arcp", List.of("Host: localhost:" + gateway.port()));
      assertEquals(101, ws.upgradeStatus());
    }
  }

  private static RawWebSocket welcomed() {
    RawWebSocket ws = RawWebSocket.upgraded(gateway.port());
    ws.writeFrame(0, RawWebSocket.OP_TEXT, Wire.hello(TestGateway.ALICE).encode().getBytes(StandardCharsets.UTF_8));
    assertEquals("session.welcome", new JsonObject(ws.nextText()).getString("type"));
    return ws;
  }

  /** A JSON-looking text whose string value contains the bytes {@code hex}. */
  private static byte[] utf8WithInvalid(String hex) {
    byte[] head = "{\"arcp\":\"1.1\",\"x\":\"".getBytes(StandardCharsets.US_ASCII);
    byte[] bad = java.util.HexFormat.of().parseHex(hex);
    byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + bad.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bad, 0, all, head.length, bad.length);
    System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
    return all;
  }
}
