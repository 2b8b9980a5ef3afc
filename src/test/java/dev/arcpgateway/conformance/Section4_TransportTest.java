package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Refusals.assertPreWelcomeRefusal;
import static dev.arcpgateway.testing.Refusals.assertRefused;
import static dev.arcpgateway.testing.Refusals.assertUsable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.testing.Http;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * §4 transport (WebSocket) as the gateway runs it (wire-notes §12): the {@code /arcp} path, the Host/Origin
 * allowlist of the upgrade, {@code GET /health}, one JSON envelope per text (or binary) message, and the frame-size
 * limit (default 1 MiB).
 */
@ExtendWith(VertxExtension.class)
class Section4_TransportTest {

  static final int MIB = GatewayOptions.MIB;

  static TestGateway gateway;
  /** A second gateway needs its own Vert.x: gateways on one Vert.x share event-bus addresses. */
  static Vertx smallVertx;
  static TestGateway small;
  static Http http;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
    smallVertx = Vertx.vertx();
    small = TestGateway.start(smallVertx, options -> options.setMaxFrameBytes(16 * 1024));
    http = new Http(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    small.close();
    smallVertx.close().await(10, TimeUnit.SECONDS);
    gateway.close();
  }

  private static WebSocketConnectOptions upgrade(String uri) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI(uri);
  }

  /** {@code frame} with a {@code pad} field sized so that the encoded frame is exactly {@code bytes} UTF-8 bytes. */
  private static String padded(JsonObject frame, int bytes, String unit) {
    int base = utf8(frame.copy().put("pad", "").encode());
    int unitBytes = utf8(unit);
    int units = (bytes - base) / unitBytes;
    String pad = unit.repeat(units) + "a".repeat(bytes - base - units * unitBytes);
    String text = frame.copy().put("pad", pad).encode();
    assertEquals(bytes, utf8(text));
    return text;
  }

  private static int utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  // ---- HTTP surface ----------------------------------------------------------------------------------------

  @Test
  void healthIsUp() {
    Http.Response response = http.get(gateway.port(), "/health");
    assertEquals(200, response.status());
    assertEquals("UP", new JsonObject(response.body()).getString("status"));
    assertTrue(response.headers().get("content-type").startsWith("application/json"));
  }

  @Test
  void plainGetOnTheArcpPathAsksForAnUpgrade() {
    assertEquals(426, http.get(gateway.port(), "/arcp").status());
  }

  @Test
  void otherHttpPathsAreNotFound() {
    assertEquals(404, http.get(gateway.port(), "/nope").status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/nope", "/", "/arcp/", "/arcp/x", "/ARCP", "/health"})
  void upgradeOnAnotherPathIsNotFound(String path) {
    assertEquals(404, http.upgradeStatus(upgrade(path)));
  }

  @Test
  void upgradeOnTheArcpPathIsAccepted() {
    assertEquals(101, http.upgradeStatus(upgrade("/arcp")));
  }

  // ---- Host / Origin allowlist ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"http://evil.example", "https://evil.example:443", "http://localhost.evil.example",
      "http://127.0.0.1.nip.io", "null", "file://", "http://10.0.0.1"})
  void foreignOriginIsForbidden(String origin) {
    assertEquals(403, http.upgradeStatus(upgrade("/arcp").putHeader("Origin", origin)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:3000", "http://127.0.0.1", "https://localhost", "http://[::1]:8080"})
  void loopbackOriginIsAllowed(String origin) {
    assertEquals(101, http.upgradeStatus(upgrade("/arcp").putHeader("Origin", origin)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example", "evil.example:%d", "127.0.0.1.nip.io:%d", "10.0.0.1:%d"})
  void foreignHostIsForbidden(String host) {
    assertEquals(403, http.upgradeStatus(upgrade("/arcp").putHeader("Host", host.formatted(gateway.port()))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:%d", "127.0.0.1:%d", "LOCALHOST:%d", "[::1]:%d"})
  void loopbackHostIsAllowed(String host) {
    assertEquals(101, http.upgradeStatus(upgrade("/arcp").putHeader("Host", host.formatted(gateway.port()))));
  }

  @Test
  void aForbiddenUpgradeNeverReachesArcp(Vertx vertx) {
    // the 403 happens at the HTTP level: there is no WebSocket, so no ARCP frame can be exchanged
    try {
      WireClient.connect(vertx, upgrade("/arcp").putHeader("Origin", "http://evil.example"));
      throw new AssertionError("the upgrade should have been rejected");
    } catch (IllegalStateException e) {
      UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class, e.getCause());
      assertEquals(403, rejected.getStatus());
    }
  }

  // ---- messages --------------------------------------------------------------------------------------------

  @Test
  void binaryMessagesAreReadLikeText() {
    WireClient client = gateway.connect();
    client.sendBinary(Wire.hello(TestGateway.ALICE).encode());
    client.welcomed(client.expect("session.welcome"));
    client.sendBinary(Wire.ping(client.sessionId(), "p_bin").encode());
    assertEquals("p_bin", client.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
    client.sendBinary(Wire.submit(client.sessionId(), "echo", "über").encode());
    client.expect("job.accepted");
    assertEquals("über", client.expect("job.result").getJsonObject("payload").getJsonObject("result")
        .getString("input"));
    assertEquals(0, client.binaryFramesReceived(), "the gateway answers with text messages");
  }

  @Test
  void binaryGarbageIsInvalidRequest() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.sendBinary("{not json");
    assertRefused(client, null, "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void aFragmentedTextMessageIsOneFrame() {
    WireClient client = gateway.connect();
    client.sendFragmented(Wire.hello(TestGateway.ALICE).encode(), 4);
    client.welcomed(client.expect("session.welcome"));
    client.sendFragmented(Wire.ping(client.sessionId(), "p_frag").encode(), 3);
    assertEquals("p_frag", client.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
  }

  @Test
  void twoEnvelopesInOneMessageAreInvalidRequest() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String ping = Wire.ping(client.sessionId(), "p_twice").encode();
    client.sendText(ping + ping);
    assertRefused(client, null, "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void everyGatewayMessageIsOneTextEnvelope() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("chatty", new JsonObject());
    String jobId = client.expect("job.accepted").getString("job_id");
    client.untilTerminal(jobId);
    assertEquals(0, client.binaryFramesReceived());
  }

  // ---- frame size ------------------------------------------------------------------------------------------

  @Test
  void aFrameOfExactlyTheDefaultLimitIsAccepted() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.sendText(padded(Wire.ping(client.sessionId(), "p_max"), MIB, "a"));
    assertEquals("p_max", client.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
  }

  @Test
  void aFrameOneByteOverTheDefaultLimitIsInvalidRequest() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.sendText(padded(Wire.ping(client.sessionId(), "p_over"), MIB + 1, "a"));
    JsonObject error = assertRefused(client, null, "INVALID_REQUEST");
    assertTrue(error.getJsonObject("payload").getString("message").contains(String.valueOf(MIB)),
        "the message names the limit: " + error.encode());
    assertUsable(client);
  }

  @Test
  void theLimitCountsUtf8BytesNotCharacters() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String text = padded(Wire.ping(client.sessionId(), "p_utf8"), MIB + 1, "é");
    assertTrue(text.length() < MIB, "fewer characters than the limit");
    client.sendText(text);
    assertRefused(client, null, "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void aLargeOversizeFrameLeavesTheSessionUsable() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.sendText(padded(Wire.submit(client.sessionId(), "echo", "x"), 3 * MIB, "a"));
    assertRefused(client, null, "INVALID_REQUEST");
    client.submit("echo", "small");
    client.expect("job.accepted");
    assertEquals(1L, client.expect("job.result").getLong("event_seq"));
  }

  @Test
  void anOversizeBinaryFrameIsRefusedLikeText() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.sendBinary(padded(Wire.ping(client.sessionId(), "p_bo"), MIB + 10, "a"));
    assertRefused(client, null, "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void anOversizeHelloGetsThePreWelcomeRefusal() {
    WireClient client = gateway.connect();
    client.sendText(padded(Wire.hello(TestGateway.ALICE), MIB + 1, "a"));
    assertPreWelcomeRefusal(client, null, "INVALID_REQUEST");
  }

  @Test
  void theConfiguredLimitApplies() {
    WireClient client = small.session(TestGateway.ALICE);
    client.sendText(padded(Wire.ping(client.sessionId(), "p_16k"), 16 * 1024, "a"));
    assertEquals("p_16k", client.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
    client.sendText(padded(Wire.ping(client.sessionId(), "p_16k1"), 16 * 1024 + 1, "a"));
    JsonObject error = assertRefused(client, null, "INVALID_REQUEST");
    assertTrue(error.getJsonObject("payload").getString("message").contains(String.valueOf(16 * 1024)));
    assertUsable(client);
  }

  @Test
  void aFrameOverFourTimesTheLimitClosesWithMessageTooBig() {
    // WebSocketTransportVerticle documents 1009 for these; RFC 6455 §7.4.1: 1009 = message too big
    WireClient client = small.session(TestGateway.ALICE);
    client.trySend(new JsonObject().put("pad", "a".repeat(4 * 16 * 1024 + 100)));
    assertEquals((short) 1009, client.awaitClose(), "close code, reason: " + client.closeReason());
    assertEquals(List.of(), client.drain(), "no ARCP frame answers it");
  }
}
