package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.code;
import static dev.arcpgateway.testing.Continuity.isType;
import static dev.arcpgateway.testing.Continuity.resumeOn;
import static dev.arcpgateway.testing.Continuity.resumeToken;
import static dev.arcpgateway.testing.Continuity.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §6.4 heartbeats (wire-notes §4.4, §13 "Heartbeat loss"): with {@code heartbeat} negotiated and a 1 s interval
 * the runtime pings an idle session, answers every client ping, and drops a silent client's transport with
 * HEARTBEAT_LOST (close 4002) without terminating its jobs; without the feature it never pings nor drops.
 */
@ExtendWith(VertxExtension.class)
class Section6_4_HeartbeatTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setHeartbeatIntervalSec(1));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void idleSessionIsPingedAndAnAnsweringClientStaysConnected() {
    WireClient client = gateway.session(TestGateway.ALICE);
    assertEquals(1, client.welcome().getJsonObject("payload").getInteger("heartbeat_interval_sec"));

    long deadline = System.nanoTime() + Duration.ofMillis(4_300).toNanos(); // > 4 intervals
    int pings = 0;
    while (System.nanoTime() < deadline) {
      JsonObject frame;
      try {
        frame = client.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (AssertionError quiet) {
        break;
      }
      assertEquals("session.ping", frame.getString("type"), "an idle session only receives pings: " + frame.encode());
      assertEquals(client.sessionId(), frame.getString("session_id"));
      assertNull(frame.getValue("event_seq"), "heartbeats are not numbered");
      JsonObject payload = frame.getJsonObject("payload");
      String nonce = payload.getString("nonce");
      assertNotNull(nonce, frame.encode());
      assertFalse(nonce.isEmpty());
      Instant.parse(payload.getString("sent_at"));
      client.send(Continuity.pong(client.sessionId(), nonce));
      pings++;
    }
    assertTrue(pings >= 2, "about one ping per interval, got " + pings);
    assertFalse(client.isClosed(), "a client that answers pings is not dropped");
  }

  @Test
  void clientPingIsAnsweredWithPong() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Continuity.ping(client.sessionId(), "p_test_ping_1"));
    JsonObject pong = client.nextOfType("session.pong");
    assertEquals("p_test_ping_1", pong.getJsonObject("payload").getString("ping_nonce"));
    assertEquals(client.sessionId(), pong.getString("session_id"));
    assertNull(pong.getValue("event_seq"));
  }

  /**
   * A client that sends nothing for two intervals loses its transport with HEARTBEAT_LOST and close 4002, but
   * its slow job keeps running: after a resume the client sees the rest of it and the job.result.
   */
  @Test
  void silentClientGetsHeartbeatLostAndItsJobSurvives() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("slow", new JsonObject().put("seconds", 4));
    String jobId = client.expect("job.accepted").getString("job_id");
    long silentSince = System.nanoTime();

    long lastSeq = 0;
    JsonObject lost = null;
    while (lost == null) {
      JsonObject frame = client.next(Duration.ofSeconds(5));
      if (isType(frame, "session.error")) {
        lost = frame;
      } else if (frame.containsKey("event_seq")) {
        assertEquals(lastSeq + 1, seq(frame), frame.encode());
        lastSeq = seq(frame);
        assertEquals("job.event", frame.getString("type"), "the job must not end: " + frame.encode());
      }
    }
    long silentMs = Duration.ofNanos(System.nanoTime() - silentSince).toMillis();
    assertEquals("HEARTBEAT_LOST", code(lost), lost.encode());
    assertEquals(client.sessionId(), lost.getString("session_id"));
    assertTrue(silentMs >= 1_900, "dropped after " + silentMs + " ms, before two intervals passed");
    assertTrue(silentMs <= 4_000, "dropped only after " + silentMs + " ms");
    assertEquals(4002, client.awaitClose());

    WireClient resumed = resumeOn(gateway,
        Continuity.sessionResume(client.sessionId(), resumeToken(client), lastSeq));
    List<JsonObject> rest = new ArrayList<>(resumed.untilTerminal(jobId));
    rest.removeIf(frame -> isType(frame, "session.ping")); // pings flow on schedule during the stream
    for (JsonObject frame : rest) {
      assertEquals(++lastSeq, seq(frame), frame.encode());
    }
    JsonObject result = rest.get(rest.size() - 1);
    assertEquals("job.result", result.getString("type"), "the job was not terminated: " + result.encode());
    assertEquals(4, result.getJsonObject("payload").getJsonObject("result").getInteger("slept"));
  }

  /**
   * Issue 8 item 10: a client that only reads a continuous stream (a progress event every 100 ms for 4 s, four
   * intervals) and answers what it is asked is not cut off. The runtime pings on schedule whatever else flows, so
   * the client always has a ping to answer; before, pings went out only after an interval without any frame, none
   * came during the stream, and the client was dropped with HEARTBEAT_LOST after two intervals.
   */
  @Test
  void aClientReadingAContinuousStreamIsPingedOnScheduleAndStays() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("slow", new JsonObject().put("seconds", 4));
    String jobId = client.expect("job.accepted").getString("job_id");
    int pings = 0;
    long lastSeq = 0;
    while (true) {
      JsonObject frame = client.next(Duration.ofSeconds(3));
      if (isType(frame, "session.ping")) {
        pings++;
        client.send(Continuity.pong(client.sessionId(), frame.getJsonObject("payload").getString("nonce")));
        continue;
      }
      assertFalse(isType(frame, "session.error"), "a reading client that answers pings was dropped after "
          + pings + " pings: " + frame.encode());
      assertEquals(++lastSeq, seq(frame), "gap-free: " + frame.encode());
      if (isType(frame, "job.result")) {
        assertEquals(jobId, frame.getString("job_id"));
        break;
      }
    }
    assertTrue(pings >= 3, "one ping per interval while the stream flows, got " + pings);
    assertTrue(lastSeq > 30, "the stream was continuous: " + lastSeq + " frames");
    assertFalse(client.isClosed());
  }

  /**
   * Issue 8 item 10, the other half: any inbound frame is a sign of life, not only a pong. A client that never
   * answers a ping but acknowledges what it reads (a progress event every 100 ms for 3 s, three intervals) stays.
   */
  @Test
  void anyInboundFrameCountsAsLifeNotOnlyAPong() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("slow", new JsonObject().put("seconds", 3));
    String jobId = client.expect("job.accepted").getString("job_id");
    while (true) {
      JsonObject frame = client.next(Duration.ofSeconds(3));
      assertFalse(isType(frame, "session.error"), "a client that sends acks was dropped: " + frame.encode());
      if (frame.containsKey("event_seq")) {
        client.send(Continuity.ack(client.sessionId(), seq(frame)));
      }
      if (isType(frame, "job.result") && jobId.equals(frame.getString("job_id"))) {
        break;
      }
    }
    assertFalse(client.isClosed());
  }

  @Test
  void withoutTheFeatureNoPingsAndNoHeartbeatLost() {
    WireClient client = Continuity.session(gateway, TestGateway.ALICE, Continuity.featuresWithout("heartbeat"));
    assertFalse(client.welcome().getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
        .contains("heartbeat"));
    client.expectSilence(Duration.ofMillis(3_500)); // > 3 intervals without a single frame either way
    assertFalse(client.isClosed(), "no HEARTBEAT_LOST without the heartbeat feature");

    client.send(Continuity.ping(client.sessionId(), "p_no_feature"));
    JsonObject pong = client.next();
    if (!isType(pong, "session.pong")) {
      fail("a ping is answered even without the feature, got " + pong.encode());
    }
    assertEquals("p_no_feature", pong.getJsonObject("payload").getString("ping_nonce"));
  }
}
