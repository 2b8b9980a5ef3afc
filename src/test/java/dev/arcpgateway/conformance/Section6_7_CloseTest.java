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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §6.7 close: {@code session.close} (and the TypeScript SDK's {@code session.bye}, wire-notes §4.7, §13), with or
 * without {@code reason}, is acknowledged by {@code session.closed} ({@code reason} echoed), after which the server
 * closes the WebSocket with 1000. In-flight jobs are not affected.
 */
@ExtendWith(VertxExtension.class)
class Section6_7_CloseTest {

  static final short NORMAL_CLOSURE = 1000;

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Sends {@code frame}, expects exactly {@code session.closed} and then a 1000 close; returns the closed frame. */
  private static JsonObject closeWith(WireClient client, JsonObject frame) {
    return closeWith(client, frame, "session.closed");
  }

  /** Sends {@code frame}, expects exactly an {@code answer} frame and then a 1000 close; returns the answer. */
  private static JsonObject closeWith(WireClient client, JsonObject frame, String answer) {
    client.send(frame);
    JsonObject closed = client.expect(answer);
    assertEquals("1.1", closed.getString("arcp"));
    assertEquals(client.sessionId(), closed.getString("session_id"), closed::encode);
    assertFalse(closed.getString("id").equals(frame.getString("id")), "a fresh id, not an echo");
    assertFalse(closed.containsKey("job_id"), closed::encode);
    assertFalse(closed.containsKey("event_seq"), "session.closed is not numbered: " + closed.encode());
    assertEquals(NORMAL_CLOSURE, client.awaitClose(), "close code");
    assertEquals(List.of(), client.drain(), "nothing after session.closed");
    return closed;
  }

  @Test
  void closeWithReasonIsAcknowledgedWithTheReason() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject closed = closeWith(client, Wire.close(client.sessionId(), "client_shutdown"));
    assertEquals(new JsonObject().put("reason", "client_shutdown"), closed.getJsonObject("payload"));
  }

  @Test
  void closeWithoutReasonIsAcknowledged() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject closed = closeWith(client, Wire.close(client.sessionId(), null));
    assertFalse(closed.getJsonObject("payload").containsKey("reason"), closed::encode);
  }

  @Test
  void closeWithoutPayloadIsAcknowledged() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject frame = Wire.close(client.sessionId(), null);
    frame.remove("payload");
    closeWith(client, frame);
  }

  @Test
  void byeIsAnsweredWithBye() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject bye = Wire.frame("session.bye", client.sessionId(), new JsonObject().put("reason", "done"));
    JsonObject closed = closeWith(client, bye, "session.bye");
    assertEquals("session.bye", closed.getString("type"), "session.bye is answered with session.bye (TypeScript)");
    assertEquals("done", closed.getJsonObject("payload").getString("reason"));
  }

  @Test
  void byeWithoutReasonIsAcknowledged() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject closed = closeWith(client, Wire.frame("session.bye", client.sessionId(), new JsonObject()), "session.bye");
    assertFalse(closed.getJsonObject("payload").containsKey("reason"), closed::encode);
  }

  @Test
  void closeDoesNotCancelARunningJob() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("slow", new JsonObject().put("seconds", 1));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.send(Wire.close(client.sessionId(), "bye"));
    List<JsonObject> beforeClosed = new ArrayList<>();
    JsonObject frame;
    while (!"session.closed".equals((frame = client.next()).getString("type"))) {
      beforeClosed.add(frame);
    }
    for (JsonObject f : beforeClosed) {
      assertEquals("job.event", f.getString("type"), "only the job's own events may precede session.closed: "
          + f.encode());
      assertEquals(jobId, f.getString("job_id"));
    }
    assertEquals(NORMAL_CLOSURE, client.awaitClose());
    assertEquals(List.of(), client.drain(), "no job.cancelled / job.error after session.closed");
  }

  @Test
  void aClosedSessionsJobFinishesAndIsDeliveredOnResume() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String token = client.welcome().getJsonObject("payload").getString("resume_token");
    client.submit("slow", new JsonObject().put("seconds", 0.5));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.send(Wire.close(client.sessionId(), "bye"));
    long lastSeq = 0;
    JsonObject frame;
    while (!"session.closed".equals((frame = client.next()).getString("type"))) {
      lastSeq = Math.max(lastSeq, frame.getLong("event_seq", 0L));
    }
    client.awaitClose();

    WireClient again = gateway.connect();
    JsonObject hello = Wire.hello(TestGateway.ALICE);
    hello.getJsonObject("payload").put("resume", new JsonObject().put("session_id", client.sessionId())
        .put("resume_token", token).put("last_event_seq", lastSeq));
    again.send(hello);
    JsonObject welcome = again.welcomed(again.expect("session.welcome"));
    assertEquals(client.sessionId(), welcome.getString("session_id"), "§6.7: the session remains resumable");
    JsonObject result = again.nextMatching(f -> jobId.equals(f.getString("job_id"))
        && ("job.result".equals(f.getString("type")) || "job.error".equals(f.getString("type"))), "terminal");
    assertEquals("job.result", result.getString("type"), "the job ran to completion: " + result.encode());
    assertEquals("success", result.getJsonObject("payload").getString("final_status"));
    assertTrue(result.getLong("event_seq") > lastSeq);
  }

  @Test
  void closingOneSessionLeavesOthersOpen() {
    WireClient first = gateway.session(TestGateway.ALICE);
    WireClient second = gateway.session(TestGateway.ALICE);
    closeWith(first, Wire.close(first.sessionId(), "only me"));
    second.send(Wire.ping(second.sessionId(), "p_other"));
    assertEquals("p_other", second.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
  }
}
