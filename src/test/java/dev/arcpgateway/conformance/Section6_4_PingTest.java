package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §6.4 ping/pong: {@code session.ping {nonce, sent_at}} → {@code session.pong {ping_nonce, received_at}} in the
 * session, whether or not {@code heartbeat} was negotiated (wire-notes §4.4); pongs are not numbered.
 */
@ExtendWith(VertxExtension.class)
class Section6_4_PingTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void pingIsAnsweredWithPong() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject ping = Wire.ping(client.sessionId(), "p_01JZA1");
    Instant before = Instant.now().minusSeconds(1);
    client.send(ping);
    JsonObject pong = client.expect("session.pong");
    assertEquals("1.1", pong.getString("arcp"));
    assertEquals(client.sessionId(), pong.getString("session_id"));
    assertFalse(ping.getString("id").equals(pong.getString("id")), "the pong has its own id");
    assertFalse(pong.containsKey("event_seq"), "§6.4: heartbeats are not in event_seq");
    assertFalse(pong.containsKey("job_id"));
    JsonObject payload = pong.getJsonObject("payload");
    assertEquals("p_01JZA1", payload.getString("ping_nonce"));
    Instant received = Instant.parse(payload.getString("received_at"));
    assertTrue(payload.getString("received_at").endsWith("Z"), "UTC: " + payload.getString("received_at"));
    assertTrue(!received.isBefore(before) && !received.isAfter(Instant.now().plusSeconds(1)), received.toString());
  }

  @Test
  void aPingPipelinedBehindTheHelloIsAnsweredAfterTheWelcome() {
    WireClient client = gateway.connect();
    client.send(Wire.hello(TestGateway.ALICE)).send(Wire.ping(null, "p_pipelined"));
    String sessionId = client.welcomed(client.expect("session.welcome")).getString("session_id");
    JsonObject pong = client.expect("session.pong");
    assertEquals("p_pipelined", pong.getJsonObject("payload").getString("ping_nonce"));
    assertEquals(sessionId, pong.getString("session_id"));
  }

  @Test
  void pingWorksWithoutTheHeartbeatFeature() {
    WireClient client = gateway.connect();
    client.send(Wire.hello(TestGateway.ALICE, List.of()));
    JsonObject welcome = client.welcomed(client.expect("session.welcome"));
    assertFalse(welcome.getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
        .contains("heartbeat"));
    client.send(Wire.ping(client.sessionId(), "p_nohb"));
    assertEquals("p_nohb", client.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
  }

  @Test
  void everyPingGetsItsOwnPongInOrder() {
    WireClient client = gateway.session(TestGateway.ALICE);
    for (int i = 0; i < 10; i++) {
      client.send(Wire.ping(client.sessionId(), "p_" + i));
    }
    for (int i = 0; i < 10; i++) {
      assertEquals("p_" + i, client.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
    }
    client.expectSilence(Duration.ofMillis(100));
  }

  @Test
  void pingsDoNotConsumeEventSeq() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Wire.ping(client.sessionId(), "p_a")).send(Wire.ping(client.sessionId(), "p_b"));
    client.expect("session.pong");
    client.expect("session.pong");
    client.submit("echo", 1);
    client.expect("job.accepted");
    assertEquals(1L, client.expect("job.result").getLong("event_seq"));
  }

  @Test
  void aPongFromTheClientIsAcceptedSilently() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Wire.frame("session.pong", client.sessionId(), new JsonObject().put("ping_nonce", "p_srv")
        .put("received_at", Instant.now().toString())));
    client.send(Wire.ping(client.sessionId(), "p_next"));
    JsonObject next = client.next();
    assertEquals("session.pong", next.getString("type"), "nothing answers a pong: " + next.encode());
    assertEquals("p_next", next.getJsonObject("payload").getString("ping_nonce"));
  }

  @Test
  void pingIsAnsweredWhileAJobStreams() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("slow", new JsonObject().put("seconds", 0.4));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.send(Wire.ping(client.sessionId(), "p_busy"));
    client.nextMatching(f -> "session.pong".equals(f.getString("type"))
        && "p_busy".equals(f.getJsonObject("payload").getString("ping_nonce")), "pong");
    List<JsonObject> rest = client.untilTerminal(jobId);
    JsonObject terminal = rest.get(rest.size() - 1);
    assertEquals("job.result", terminal.getString("type"));
  }

  @Test
  void eventSeqStaysGapFreeAroundPongs() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("slow", new JsonObject().put("seconds", 0.3));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.send(Wire.ping(client.sessionId(), "p_1")).send(Wire.ping(client.sessionId(), "p_2"));
    long expected = 1;
    for (JsonObject frame : client.untilTerminal(jobId)) {
      if (frame.containsKey("event_seq")) {
        assertEquals(expected++, frame.getLong("event_seq"), frame.encode());
      } else {
        assertEquals("session.pong", frame.getString("type"), frame.encode());
      }
    }
  }
}
