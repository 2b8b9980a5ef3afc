package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Envelope#parse}: the §5 envelope as a client sends it. */
class EnvelopeTest {

  private static JsonObject frame(String type) {
    return new JsonObject().put("arcp", "1.1").put("id", "01JABCDEF").put("type", type);
  }

  private static Envelope.InvalidFrameException refused(String text) {
    Envelope.InvalidFrameException e = assertThrows(Envelope.InvalidFrameException.class, () -> Envelope.parse(text),
        text);
    assertEquals(ErrorCode.INVALID_REQUEST, e.code(), text);
    assertFalse(e.retryable());
    return e;
  }

  @Test
  void parsesAClientFrame() {
    JsonObject json = frame("job.submit").put("session_id", "sess_1").put("trace_id", "t").put("job_id", "job_1")
        .put("payload", new JsonObject().put("agent", "echo")).put("event_seq", 5).put("future_field", true);
    Envelope envelope = Envelope.parse(json.encode()).orElseThrow();
    assertEquals("01JABCDEF", envelope.id());
    assertEquals(MessageType.JOB_SUBMIT, envelope.type());
    assertEquals("sess_1", envelope.sessionId());
    assertEquals("t", envelope.traceId());
    assertEquals("job_1", envelope.jobId());
    assertEquals(new JsonObject().put("agent", "echo"), envelope.payload());
  }

  @Test
  void missingPayloadIsAnEmptyObject() {
    Envelope envelope = Envelope.parse(frame("session.ping").encode()).orElseThrow();
    assertEquals(new JsonObject(), envelope.payload());
    assertNull(envelope.sessionId());
  }

  @Test
  void everyClientTypeAndTheByeAliasAreAccepted() {
    for (MessageType type : MessageType.values()) {
      if (type.fromClient()) {
        assertEquals(type, Envelope.parse(frame(type.wire()).encode()).orElseThrow().type());
      }
    }
    assertEquals(MessageType.SESSION_BYE, Envelope.parse(frame("session.bye").encode()).orElseThrow().type());
  }

  @Test
  void runtimeOnlyTypesAreRefusedWithTheId() {
    for (String type : List.of("session.welcome", "session.error", "session.jobs", "session.closed", "job.accepted",
        "job.event", "job.result", "job.error", "job.cancelled", "job.subscribed")) {
      assertEquals("01JABCDEF", refused(frame(type).encode()).requestId(), type);
    }
  }

  @Test
  void versionIsRequiredAndMustBe11() {
    assertEquals("x1", refused("{\"id\":\"x1\",\"type\":\"session.ping\"}").requestId());
    assertEquals("x1", refused("{\"arcp\":\"1.0\",\"id\":\"x1\",\"type\":\"session.ping\"}").requestId());
    assertEquals("x1", refused("{\"arcp\":1.1,\"id\":\"x1\",\"type\":\"session.ping\"}").requestId());
    assertEquals("x1", refused("{\"arcp\":\"2\",\"id\":\"x1\",\"type\":\"session.ping\"}").requestId());
  }

  @Test
  void idMustBeANonEmptyString() {
    assertNull(refused("{\"arcp\":\"1.1\",\"type\":\"session.ping\"}").requestId());
    assertNull(refused("{\"arcp\":\"1.1\",\"id\":\"\",\"type\":\"session.ping\"}").requestId());
    assertNull(refused("{\"arcp\":\"1.1\",\"id\":7,\"type\":\"session.ping\"}").requestId());
  }

  @Test
  void typeIsRequiredAndMustBeKnown() {
    assertEquals("x1", refused("{\"arcp\":\"1.1\",\"id\":\"x1\"}").requestId());
    assertEquals("x1", refused("{\"arcp\":\"1.1\",\"id\":\"x1\",\"type\":5}").requestId());
    assertEquals("x1", refused("{\"arcp\":\"1.1\",\"id\":\"x1\",\"type\":\"job.explode\"}").requestId());
    assertEquals("x1", refused("{\"arcp\":\"1.1\",\"id\":\"x1\",\"type\":\"SESSION.HELLO\"}").requestId());
  }

  @Test
  void optionalVendorTypesAreDroppedOthersRefused() {
    JsonObject optional = frame("x-vendor.acme.poke").put("extensions", new JsonObject().put("optional", true));
    assertEquals(Optional.empty(), Envelope.parse(optional.encode()));
    assertEquals(Optional.empty(), Envelope.parse(optional));
    refused(frame("x-vendor.acme.poke").encode());
    refused(frame("x-vendor.acme.poke").put("extensions", new JsonObject().put("optional", "true")).encode());
    refused(frame("x-vendor.acme.poke").put("extensions", new JsonObject().put("optional", false)).encode());
    refused(frame("x-other.poke").put("extensions", new JsonObject().put("optional", true)).encode());
  }

  @Test
  void wronglyTypedFieldsAreRefusedWithTheId() {
    assertEquals("01JABCDEF", refused(frame("session.ping").put("payload", "x").encode()).requestId());
    assertEquals("01JABCDEF", refused(frame("session.ping").put("payload", List.of()).encode()).requestId());
    assertEquals("01JABCDEF", refused(frame("session.ping").put("session_id", 5).encode()).requestId());
    assertEquals("01JABCDEF", refused(frame("session.ping").put("job_id", true).encode()).requestId());
  }

  @Test
  void malformedJsonIsAnInvalidFrameWithoutId() {
    for (String text : List.of("{", "{\"arcp\":\"1.1\",\"id\":\"x1\",", "not json", "[]", "\"frame\"", "5",
        "null", "{\"arcp\":\"1.1\" \"id\":\"x1\"}")) {
      Envelope.InvalidFrameException e = refused(text);
      assertNull(e.requestId(), text);
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }
  }
}
