package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Hello#parse}: {@code session.hello} (§6.2) and the three resume forms (§6.3). */
class HelloTest {

  private static Hello parse(String type, JsonObject payload) {
    JsonObject frame = new JsonObject().put("arcp", "1.1").put("id", "h1").put("type", type).put("payload", payload);
    return Hello.parse(Envelope.parse(frame.encode()).orElseThrow());
  }

  private static void invalid(String type, JsonObject payload) {
    ArcpException e = assertThrows(ArcpException.class, () -> parse(type, payload), payload.encode());
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
  }

  @Test
  void plainHello() {
    JsonObject payload = new JsonObject()
        .put("client", new JsonObject().put("name", "examplectl").put("version", "0.4.1"))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", "t"))
        .put("capabilities", new JsonObject().put("encodings", new JsonArray().add("json"))
            .put("features", new JsonArray().add("heartbeat").add("ack").add("heartbeat")));
    Hello hello = parse("session.hello", payload);
    assertEquals("h1", hello.id());
    assertEquals("examplectl", hello.client().getString("name"));
    assertEquals("t", hello.auth().getString("token"));
    assertEquals(List.of("heartbeat", "ack"), List.copyOf(hello.features()));
    assertTrue(hello.featuresSent());
    assertNull(hello.resume());
  }

  @Test
  void minimalHelloHasDefaults() {
    Hello hello = parse("session.hello", new JsonObject());
    assertEquals(new JsonObject(), hello.client());
    assertNull(hello.auth());
    assertEquals(Set.of(), hello.features());
    assertFalse(hello.featuresSent());
    assertNull(hello.resume());
    assertFalse(parse("session.hello", new JsonObject().put("capabilities", new JsonObject())).featuresSent());
    assertTrue(parse("session.hello", new JsonObject().put("capabilities",
        new JsonObject().put("features", new JsonArray()))).featuresSent(), "an empty list is still sent");
  }

  @Test
  void resumeFrame() {
    Hello hello = parse("session.resume", new JsonObject().put("session_id", "sess_1").put("resume_token", "rt_x")
        .put("last_event_seq", 42));
    assertEquals(new Hello.ResumeRequest("sess_1", "rt_x", 42), hello.resume());
    Hello noSession = parse("session.resume", new JsonObject().put("resume_token", "rt_x"));
    assertEquals(new Hello.ResumeRequest(null, "rt_x", 0), noSession.resume(), "last_event_seq defaults to 0");
  }

  @Test
  void nestedResumeInHello() {
    Hello hello = parse("session.hello", new JsonObject().put("resume", new JsonObject()
        .put("session_id", "sess_1").put("resume_token", "rt_x").put("last_event_seq", 7)));
    assertEquals(new Hello.ResumeRequest("sess_1", "rt_x", 7), hello.resume());
  }

  @Test
  void flatResumeTokenInHello() {
    Hello hello = parse("session.hello", new JsonObject().put("resume_token", "rt_x").put("last_event_seq", 9));
    assertEquals(new Hello.ResumeRequest(null, "rt_x", 9), hello.resume());
  }

  @Test
  void nestedResumeWinsOverFlat() {
    Hello hello = parse("session.hello", new JsonObject().put("resume_token", "rt_flat").put("last_event_seq", 1)
        .put("resume", new JsonObject().put("resume_token", "rt_nested").put("last_event_seq", 2)));
    assertEquals(new Hello.ResumeRequest(null, "rt_nested", 2), hello.resume());
  }

  @Test
  void malformedResumeRequestsAreInvalid() {
    invalid("session.resume", new JsonObject().put("session_id", "sess_1"));
    invalid("session.resume", new JsonObject().put("resume_token", ""));
    invalid("session.resume", new JsonObject().put("resume_token", 5));
    invalid("session.resume", new JsonObject().put("resume_token", "rt").put("last_event_seq", -1));
    invalid("session.resume", new JsonObject().put("resume_token", "rt").put("last_event_seq", 1.5));
    invalid("session.resume", new JsonObject().put("resume_token", "rt").put("last_event_seq", "3"));
    invalid("session.hello", new JsonObject().put("resume", new JsonObject().put("last_event_seq", 1)));
    invalid("session.hello", new JsonObject().put("resume", "rt_x"));
    invalid("session.hello", new JsonObject().put("resume_token", "rt").put("last_event_seq", -5));
    invalid("session.hello", new JsonObject().put("resume_token", 7));
    invalid("session.hello", new JsonObject().put("client", "me"));
    invalid("session.hello", new JsonObject().put("auth", "token"));
    invalid("session.hello", new JsonObject().put("capabilities", new JsonObject().put("features", "ack")));
    invalid("session.hello", new JsonObject().put("capabilities",
        new JsonObject().put("features", new JsonArray().add(1))));
  }

  @Test
  void integralFloatSequenceNumbersAreAccepted() {
    Hello hello = parse("session.resume", new JsonObject().put("resume_token", "rt").put("last_event_seq", 12.0));
    assertEquals(12, hello.resume().lastEventSeq());
  }
}
