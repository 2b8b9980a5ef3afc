package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Refusals.assertRefused;
import static dev.arcpgateway.testing.Refusals.assertUsable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * §5 wire format: the envelope rules, checked inside a welcomed session. A refused frame is answered with
 * {@code session.error} ({@code details.request_id}) plus the jobless {@code job.error} echoing its id
 * (wire-notes §9.2, §13.1), only the {@code session.error} when the frame has no readable id, and the session
 * stays usable.
 */
@ExtendWith(VertxExtension.class)
class Section5_EnvelopeTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static WireClient session() {
    return gateway.session(TestGateway.ALICE);
  }

  /** The next frame after a refusal: an echo job still runs, and refusals consumed no {@code event_seq}. */
  private static void assertEchoStillRuns(WireClient client) {
    client.submit("echo", "still here");
    JsonObject accepted = client.expect("job.accepted");
    JsonObject result = client.expect("job.result");
    assertEquals(accepted.getString("job_id"), result.getString("job_id"));
    assertEquals(1L, result.getLong("event_seq"), "refusals must not consume event_seq: " + result.encode());
    assertEquals("still here", result.getJsonObject("payload").getJsonObject("result").getString("input"));
  }

  // ---- arcp ------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1", "2.0", "1.1.0", ""})
  void wrongVersionIsInvalidRequestNamingTheVersion(String version) {
    WireClient client = session();
    JsonObject ping = Wire.ping(client.sessionId(), "p_v").put("arcp", version);
    client.send(ping);
    JsonObject error = assertRefused(client, ping.getString("id"), "INVALID_REQUEST");
    String message = error.getJsonObject("payload").getString("message");
    assertTrue(message.contains("1.1"), "the message names the supported version: " + message);
    if (!version.isEmpty()) {
      assertTrue(message.contains(version), "the message names the rejected version: " + message);
    }
    assertUsable(client);
  }

  @Test
  void missingVersionIsInvalidRequest() {
    WireClient client = session();
    JsonObject ping = Wire.ping(client.sessionId(), "p_nv");
    ping.remove("arcp");
    client.send(ping);
    assertRefused(client, ping.getString("id"), "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void numericVersionIsInvalidRequest() {
    WireClient client = session();
    JsonObject ping = Wire.ping(client.sessionId(), "p_num").put("arcp", 1.1);
    client.send(ping);
    assertRefused(client, ping.getString("id"), "INVALID_REQUEST");
    assertEchoStillRuns(client);
  }

  // ---- id --------------------------------------------------------------------------------------------------

  @Test
  void missingIdGetsOnlySessionError() {
    WireClient client = session();
    JsonObject ping = Wire.ping(client.sessionId(), "p_noid");
    ping.remove("id");
    client.send(ping);
    assertRefused(client, null, "INVALID_REQUEST");
    assertUsable(client); // the pong is the very next frame: no job.error was sent
  }

  @Test
  void emptyIdGetsOnlySessionError() {
    WireClient client = session();
    client.send(Wire.ping(client.sessionId(), "p_empty").put("id", ""));
    assertRefused(client, null, "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void numericIdGetsOnlySessionError() {
    WireClient client = session();
    client.send(Wire.ping(client.sessionId(), "p_numid").put("id", 42));
    assertRefused(client, null, "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void anyNonEmptyStringIdIsAccepted() {
    WireClient client = session();
    for (String id : List.of("msg_01JZ8Q6V3M2K9T4W7XBC5DNF0A", "01JZ8Q6V3M2K9T4W7XBC5DNF0A",
        "0190b0f4-7c1a-7cc2-9a37-2f5d4f3e9b10", "x", "not a ulid at all")) {
      JsonObject ping = Wire.ping(client.sessionId(), "p_" + id).put("id", id);
      client.send(ping);
      JsonObject pong = client.expect("session.pong");
      assertEquals("p_" + id, pong.getJsonObject("payload").getString("ping_nonce"));
      assertFalse(id.equals(pong.getString("id")), "the runtime mints its own ids");
    }
  }

  // ---- type ------------------------------------------------------------------------------------------------

  @Test
  void missingTypeIsInvalidRequest() {
    WireClient client = session();
    JsonObject frame = Wire.ping(client.sessionId(), "p_nt");
    frame.remove("type");
    client.send(frame);
    assertRefused(client, frame.getString("id"), "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void nonStringTypeIsInvalidRequest() {
    WireClient client = session();
    JsonObject frame = Wire.ping(client.sessionId(), "p_nst").put("type", 7);
    client.send(frame);
    assertRefused(client, frame.getString("id"), "INVALID_REQUEST");
    assertUsable(client);
  }

  @ParameterizedTest
  @ValueSource(strings = {"session.frobnicate", "job.started", "job.progress", "ping", "SESSION.PING",
      "x-vendor.acme.custom"})
  void unknownTypeIsInvalidRequest(String type) {
    WireClient client = session();
    JsonObject frame = Wire.frame(type, client.sessionId(), new JsonObject());
    client.send(frame);
    JsonObject error = assertRefused(client, frame.getString("id"), "INVALID_REQUEST");
    assertTrue(error.getJsonObject("payload").getString("message").contains(type),
        "the message names the type: " + error.encode());
    assertUsable(client);
  }

  @Test
  void optionalVendorTypeIsSilentlyIgnored() {
    WireClient client = session();
    client.send(Wire.frame("x-vendor.acme.telemetry", client.sessionId(), new JsonObject().put("n", 1))
        .put("extensions", new JsonObject().put("optional", true)));
    assertUsable(client); // the pong is the very next frame: nothing answered the vendor frame
  }

  @Test
  void optionalFlagMustBeTheBooleanTrue() {
    WireClient client = session();
    for (Object flag : new Object[] {"true", false, 1}) {
      JsonObject frame = Wire.frame("x-vendor.acme.telemetry", client.sessionId(), new JsonObject())
          .put("extensions", new JsonObject().put("optional", flag));
      client.send(frame);
      assertRefused(client, frame.getString("id"), "INVALID_REQUEST");
    }
    assertUsable(client);
  }

  @Test
  void optionalDoesNotExcuseANonVendorUnknownType() {
    WireClient client = session();
    JsonObject frame = Wire.frame("session.frobnicate", client.sessionId(), new JsonObject())
        .put("extensions", new JsonObject().put("optional", true));
    client.send(frame);
    assertRefused(client, frame.getString("id"), "INVALID_REQUEST");
    assertUsable(client);
  }

  @ParameterizedTest
  @ValueSource(strings = {"job.accepted", "job.event", "job.result", "job.error", "job.cancelled",
      "job.subscribed", "session.welcome", "session.error", "session.jobs", "session.closed"})
  void runtimeOnlyTypesFromAClientAreInvalidRequest(String type) {
    WireClient client = session();
    JsonObject frame = Wire.frame(type, client.sessionId(), new JsonObject()).put("job_id", "job_x");
    client.send(frame);
    assertRefused(client, frame.getString("id"), "INVALID_REQUEST");
    assertEchoStillRuns(client);
  }

  // ---- other fields ----------------------------------------------------------------------------------------

  @Test
  void unknownTopLevelFieldsAreIgnored() {
    WireClient client = session();
    JsonObject ping = Wire.ping(client.sessionId(), "p_extra")
        .put("timestamp", "2026-05-13T19:42:13Z")
        .put("x_future_field", new JsonObject().put("nested", new JsonArray().add(1)))
        .put("priority", 5)
        .put("correlation_id", null);
    client.send(ping);
    JsonObject pong = client.expect("session.pong");
    assertEquals("p_extra", pong.getJsonObject("payload").getString("ping_nonce"));
  }

  @Test
  void unknownTopLevelFieldsOnAHelloAreIgnored() {
    WireClient client = gateway.connect();
    client.send(Wire.hello(TestGateway.ALICE).put("timestamp", "2026-05-13T19:42:13Z").put("source", "cli")
        .put("extensions", new JsonObject().put("x-vendor.acme.debug", true)));
    client.welcomed(client.expect("session.welcome"));
    assertUsable(client);
  }

  @Test
  void unknownTopLevelFieldsOnASubmitAreIgnored() {
    WireClient client = session();
    JsonObject submit = Wire.submit(client.sessionId(), "echo", 5).put("source", "cli").put("stream_id", 3);
    client.send(submit);
    client.expect("job.accepted");
    JsonObject result = client.expect("job.result");
    assertEquals(5, result.getJsonObject("payload").getJsonObject("result").getInteger("input"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"text\"", "[]", "[1,2]", "42", "true"})
  void nonObjectPayloadIsInvalidRequest(String payloadJson) {
    WireClient client = session();
    JsonObject ping = Wire.ping(client.sessionId(), "p_pl");
    String id = ping.getString("id");
    String text = ping.put("payload", "__P__").encode().replace("\"__P__\"", payloadJson);
    client.sendText(text);
    assertRefused(client, id, "INVALID_REQUEST");
    assertUsable(client);
  }

  @Test
  void absentPayloadIsAllowed() {
    WireClient client = session();
    JsonObject ping = Wire.ping(client.sessionId(), "unused");
    ping.remove("payload");
    client.send(ping);
    JsonObject pong = client.expect("session.pong");
    assertEquals(client.sessionId(), pong.getString("session_id"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"session_id", "job_id", "trace_id"})
  void nonStringEnvelopeIdsAreInvalidRequest(String field) {
    WireClient client = session();
    JsonObject ping = Wire.ping(client.sessionId(), "p_f").put(field, 12345);
    client.send(ping);
    assertRefused(client, ping.getString("id"), "INVALID_REQUEST");
    assertUsable(client);
  }

  // ---- not JSON objects ------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"{", "not json", "{\"arcp\":\"1.1\",\"id\":\"a\",}", "", " "})
  void malformedJsonIsInvalidRequestWithoutRequestId(String text) {
    WireClient client = session();
    client.sendText(text);
    assertRefused(client, null, "INVALID_REQUEST");
    assertUsable(client);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"arcp\":\"1.1\",\"id\":\"01A\",\"type\":\"session.ping\",\"payload\":{}}]",
      "\"session.ping\"", "null", "7"})
  void jsonThatIsNotAnObjectIsInvalidRequest(String text) {
    WireClient client = session();
    client.sendText(text);
    assertRefused(client, null, "INVALID_REQUEST");
    assertEchoStillRuns(client);
  }

  @Test
  void manyRefusalsInARowLeaveTheSessionUsable() {
    WireClient client = session();
    for (int i = 0; i < 20; i++) {
      client.sendText("{garbage " + i);
    }
    for (int i = 0; i < 20; i++) {
      assertRefused(client, null, "INVALID_REQUEST");
    }
    assertEchoStillRuns(client);
  }

  @Test
  void refusalsAreAnsweredInOrder() {
    WireClient client = session();
    JsonObject first = Wire.frame("session.nope", client.sessionId(), new JsonObject());
    JsonObject second = Wire.frame("job.accepted", client.sessionId(), new JsonObject());
    client.send(first).send(second);
    assertRefused(client, first.getString("id"), "INVALID_REQUEST");
    assertRefused(client, second.getString("id"), "INVALID_REQUEST");
    assertUsable(client);
  }
}
