package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Refusals.NO_SESSION;
import static dev.arcpgateway.testing.Refusals.assertPreWelcomeRefusal;
import static dev.arcpgateway.testing.Refusals.assertRefused;
import static dev.arcpgateway.testing.Refusals.assertUsable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * §6.1 authentication and the pre-welcome refusal (wire-notes §13 "Pre-welcome error", §9.2): {@code session.error}
 * first with the placeholder session id and {@code details.request_id}, then a jobless {@code job.error} with the
 * same code echoing the hello's id, then a 1008 close. No session is opened.
 */
@ExtendWith(VertxExtension.class)
class Section6_1_AuthenticationTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static JsonObject helloWithAuth(JsonObject auth) {
    JsonObject hello = Wire.hello(TestGateway.ALICE);
    if (auth == null) {
      hello.getJsonObject("payload").remove("auth");
    } else {
      hello.getJsonObject("payload").put("auth", auth);
    }
    return hello;
  }

  private static JsonObject refuse(JsonObject firstFrame, String code) {
    WireClient client = gateway.connect();
    client.send(firstFrame);
    return assertPreWelcomeRefusal(client, firstFrame.getString("id"), code);
  }

  // ---- accepted ---------------------------------------------------------------------------------------------

  @Test
  void bearerTokenIsAccepted() {
    WireClient client = gateway.connect();
    JsonObject hello = Wire.hello(TestGateway.BOB);
    client.send(hello);
    JsonObject welcome = client.welcomed(client.expect("session.welcome"));
    assertTrue(welcome.getString("session_id").startsWith("sess_"));
    assertNotEquals(NO_SESSION, welcome.getString("session_id"));
    assertUsable(client);
  }

  // ---- UNAUTHENTICATED --------------------------------------------------------------------------------------

  @Test
  void unknownTokenIsUnauthenticated() {
    JsonObject error = refuse(helloWithAuth(new JsonObject().put("scheme", "bearer").put("token", "tok-mallory")),
        "UNAUTHENTICATED");
    assertFalse(error.encode().contains("tok-mallory"), "the refusal must not echo the token: " + error.encode());
  }

  @Test
  void missingTokenIsUnauthenticated() {
    refuse(helloWithAuth(new JsonObject().put("scheme", "bearer")), "UNAUTHENTICATED");
  }

  @Test
  void emptyTokenIsUnauthenticated() {
    refuse(helloWithAuth(new JsonObject().put("scheme", "bearer").put("token", "")), "UNAUTHENTICATED");
  }

  @Test
  void missingAuthIsUnauthenticated() {
    refuse(helloWithAuth(null), "UNAUTHENTICATED");
  }

  @Test
  void anotherPrincipalsTokenWithTrailingSpaceIsUnauthenticated() {
    refuse(helloWithAuth(new JsonObject().put("scheme", "bearer").put("token", TestGateway.ALICE + " ")),
        "UNAUTHENTICATED");
  }

  // ---- wrong scheme -----------------------------------------------------------------------------------------

  @Test
  void basicSchemeIsInvalidRequest() {
    refuse(helloWithAuth(new JsonObject().put("scheme", "basic").put("token", TestGateway.ALICE)),
        "INVALID_REQUEST");
  }

  @Test
  void anonymousSchemeAsTheJavaClientDefaultsIsRefused() {
    // the Java SDK client's default auth block: {"scheme":"anonymous"}, no token (wire-notes §4.1)
    refuse(helloWithAuth(new JsonObject().put("scheme", "anonymous")), "INVALID_REQUEST");
  }

  @Test
  void anonymousSchemeWithAValidTokenIsStillRefused() {
    refuse(helloWithAuth(new JsonObject().put("scheme", "anonymous").put("token", TestGateway.ALICE)),
        "INVALID_REQUEST");
  }

  // ---- not a (valid) hello ----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"session.ping", "job.submit", "session.close", "session.ack", "job.cancel"})
  void firstFrameMustBeAHello(String type) {
    JsonObject frame = Wire.frame(type, NO_SESSION, new JsonObject().put("nonce", "p_1").put("agent", "echo")
        .put("input", 1)).put("job_id", "job_x");
    refuse(frame, "INVALID_REQUEST");
  }

  @Test
  void runtimeTypeAsFirstFrameIsInvalidRequest() {
    refuse(Wire.frame("session.welcome", null, new JsonObject()), "INVALID_REQUEST");
  }

  @Test
  void helloWithWrongVersionIsInvalidRequest() {
    refuse(Wire.hello(TestGateway.ALICE).put("arcp", "1.0"), "INVALID_REQUEST");
  }

  @Test
  void helloWithAuthAsStringIsInvalidRequest() {
    JsonObject hello = Wire.hello(TestGateway.ALICE);
    hello.getJsonObject("payload").put("auth", "Bearer " + TestGateway.ALICE);
    refuse(hello, "INVALID_REQUEST");
  }

  @Test
  void helloWithFeaturesAsStringIsInvalidRequest() {
    JsonObject hello = Wire.hello(TestGateway.ALICE);
    hello.getJsonObject("payload").getJsonObject("capabilities").put("features", "progress");
    refuse(hello, "INVALID_REQUEST");
  }

  @Test
  void helloWithNonStringFeatureIsInvalidRequest() {
    JsonObject hello = Wire.hello(TestGateway.ALICE);
    hello.getJsonObject("payload").getJsonObject("capabilities").put("features", new JsonArray().add(1));
    refuse(hello, "INVALID_REQUEST");
  }

  @Test
  void helloWithArrayPayloadIsInvalidRequest() {
    JsonObject hello = Wire.hello(TestGateway.ALICE);
    String id = hello.getString("id");
    WireClient client = gateway.connect();
    client.sendText(hello.put("payload", "__P__").encode().replace("\"__P__\"", "[]"));
    assertPreWelcomeRefusal(client, id, "INVALID_REQUEST");
  }

  @Test
  void unreadableFirstFrameIsInvalidRequestWithoutRequestId() {
    for (String text : List.of("{", "[1,2]", "{\"arcp\":\"1.1\",\"type\":\"session.hello\",\"payload\":{}}")) {
      WireClient client = gateway.connect();
      client.sendText(text);
      assertPreWelcomeRefusal(client, null, "INVALID_REQUEST");
    }
  }

  // ---- what happens around a refusal ------------------------------------------------------------------------

  @Test
  void framesAfterARefusedHelloAreNotAnswered() {
    WireClient client = gateway.connect();
    JsonObject bad = helloWithAuth(new JsonObject().put("scheme", "bearer").put("token", "nope"));
    client.send(bad);
    client.trySend(Wire.ping(null, "p_after")); // may race with the close: then there is nothing to answer anyway
    client.trySend(Wire.hello(TestGateway.ALICE));
    // exactly the two refusal frames, then the close: the ping and the second hello are dropped
    assertPreWelcomeRefusal(client, bad.getString("id"), "UNAUTHENTICATED");
  }

  @Test
  void thePlaceholderSessionCannotBeResumed() {
    JsonObject hello = Wire.hello(TestGateway.ALICE);
    hello.getJsonObject("payload").put("resume", new JsonObject().put("session_id", NO_SESSION)
        .put("resume_token", "rt_0000").put("last_event_seq", 0));
    refuse(hello, "RESUME_WINDOW_EXPIRED");
  }

  @Test
  void thePlaceholderSessionCannotBeResumedWithASessionResumeFrame() {
    refuse(Wire.frame("session.resume", NO_SESSION, new JsonObject().put("session_id", NO_SESSION)
        .put("resume_token", "rt_0000").put("last_event_seq", 0)), "RESUME_WINDOW_EXPIRED");
  }

  @Test
  void aRefusedConnectionDoesNotDisturbOtherSessions() {
    WireClient good = gateway.session(TestGateway.ALICE);
    refuse(helloWithAuth(null), "UNAUTHENTICATED");
    assertUsable(good);
  }

  @Test
  void optionalVendorFrameBeforeTheHelloIsIgnored() {
    WireClient client = gateway.connect();
    client.send(Wire.frame("x-vendor.acme.preamble", null, new JsonObject())
        .put("extensions", new JsonObject().put("optional", true)));
    JsonObject hello = Wire.hello(TestGateway.ALICE);
    client.send(hello);
    client.welcomed(client.expect("session.welcome"));
    assertUsable(client);
  }

  // ---- after the welcome ------------------------------------------------------------------------------------

  @Test
  void aSecondHelloInASessionIsRefusedAndTheSessionKept() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject again = Wire.hello(TestGateway.BOB);
    client.send(again);
    assertRefused(client, again.getString("id"), "INVALID_REQUEST");
    assertUsable(client);
    client.submit("echo", "x");
    JsonObject accepted = client.expect("job.accepted");
    assertEquals(client.sessionId(), accepted.getString("session_id"));
  }

  @Test
  void aResumeInsideASessionIsRefusedAndTheSessionKept() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject resume = Wire.frame("session.resume", client.sessionId(), new JsonObject()
        .put("session_id", client.sessionId())
        .put("resume_token", client.welcome().getJsonObject("payload").getString("resume_token"))
        .put("last_event_seq", 0));
    client.send(resume);
    assertRefused(client, resume.getString("id"), "INVALID_REQUEST");
    assertUsable(client);
  }
}
