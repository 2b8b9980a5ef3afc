package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Refusals.assertPreWelcomeRefusal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Frames exactly as the public SDK clients write them (wire-notes §1, §4.1, §5.1, §5.3, §13), each checked for the
 * answer that client needs to read: Java ({@code dev.arcp.client.ArcpClient}), TypeScript ({@code @arcp/client}),
 * Python ({@code agentruntimecontrolprotocol}).
 */
@ExtendWith(VertxExtension.class)
class DialectVectorsTest {

  static final List<String> V1_1_FEATURES = List.of("heartbeat", "ack", "list_jobs", "subscribe",
      "lease_expires_at", "cost.budget", "model.use", "provisioned_credentials", "progress", "result_chunk",
      "agent_versions");
  static final Set<String> ERROR_CODES = Set.of("PERMISSION_DENIED", "LEASE_SUBSET_VIOLATION", "JOB_NOT_FOUND",
      "DUPLICATE_KEY", "AGENT_NOT_AVAILABLE", "AGENT_VERSION_NOT_AVAILABLE", "CANCELLED", "TIMEOUT",
      "RESUME_WINDOW_EXPIRED", "HEARTBEAT_LOST", "LEASE_EXPIRED", "BUDGET_EXHAUSTED", "INVALID_REQUEST",
      "UNAUTHENTICATED", "INTERNAL_ERROR");
  static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  static final Pattern EXTENSION_KEY = Pattern.compile("x-vendor\\.[a-z0-9_-]+\\.[a-z0-9_.-]+");

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  // ==== shared expectations ===================================================================================

  /** The welcome every client can read: ids in envelope and payload, token, window, intersection, rich agents. */
  private static void assertWelcomeForAllClients(JsonObject welcome, List<String> requested) {
    JsonObject payload = welcome.getJsonObject("payload");
    String sessionId = welcome.getString("session_id");
    assertNotNull(sessionId, "Java and TypeScript read the envelope session_id");
    assertTrue(sessionId.startsWith("sess_"), sessionId);
    assertEquals(sessionId, payload.getString("session_id"), "Python requires payload.session_id");
    assertFalse(payload.getString("resume_token", "").isEmpty(), "TypeScript requires a non-empty resume_token");
    assertTrue(payload.getInteger("resume_window_sec", 0) > 0, "TypeScript requires resume_window_sec > 0");
    assertNotNull(payload.getJsonObject("runtime").getString("name"));
    JsonObject capabilities = payload.getJsonObject("capabilities");
    assertTrue(capabilities.getJsonArray("encodings").contains("json"));
    List<String> features = strings(capabilities.getJsonArray("features"));
    assertEquals(new HashSet<>(features).size(), features.size(), "no duplicates: " + features);
    assertTrue(requested.containsAll(features), "the intersection, not the runtime's full list: " + features);
    assertTrue(features.containsAll(List.of("progress", "agent_versions").stream()
        .filter(requested::contains).toList()), "offered features the client asked for: " + features);
    assertRichAgents(capabilities.getJsonArray("agents"));
  }

  /** {@code [{name, versions[], default}]}: the Java client cannot parse the flat form. */
  private static void assertRichAgents(JsonArray agents) {
    assertFalse(agents.isEmpty());
    for (Object entry : agents) {
      JsonObject agent = assertInstanceOf(JsonObject.class, entry, "rich form, not a bare name: " + entry);
      assertNotNull(agent.getString("name"));
      List<String> versions = strings(agent.getJsonArray("versions"));
      assertFalse(versions.isEmpty(), agent::encode);
      assertTrue(versions.contains(agent.getString("default")), agent::encode);
    }
    JsonObject echo = agents.stream().map(JsonObject.class::cast).filter(a -> "echo".equals(a.getString("name")))
        .findFirst().orElseThrow();
    assertEquals(List.of("1.0.0", "2.0.0"), strings(echo.getJsonArray("versions")));
    assertEquals("2.0.0", echo.getString("default"));
  }

  /** What the TypeScript client's decoder needs, or it drops the frame (wire-notes §1, §9.1, §14). */
  private static JsonObject assertTypeScriptReadable(JsonObject frame) {
    assertEquals("1.1", frame.getString("arcp"), frame::encode);
    assertFalse(frame.getString("id", "").isEmpty(), frame::encode);
    assertFalse(frame.getString("session_id", "").isEmpty(), () -> "TS drops frames without session_id: "
        + frame.encode());
    assertInstanceOf(JsonObject.class, frame.getValue("payload"), frame::encode);
    if (frame.containsKey("event_seq")) {
      assertTrue(frame.getValue("event_seq") instanceof Number n && n.longValue() >= 1, frame::encode);
    }
    if (frame.containsKey("trace_id")) {
      assertTrue(TRACE_ID.matcher(frame.getString("trace_id")).matches(), frame::encode);
    }
    if (frame.containsKey("extensions")) {
      for (String key : frame.getJsonObject("extensions").fieldNames()) {
        assertTrue("optional".equals(key) || EXTENSION_KEY.matcher(key).matches(), frame::encode);
      }
    }
    String type = frame.getString("type");
    if ("session.error".equals(type) || "job.error".equals(type)) {
      JsonObject error = frame.getJsonObject("payload");
      assertTrue(ERROR_CODES.contains(error.getString("code")), frame::encode);
      assertFalse(error.getString("message", "").isEmpty(), frame::encode);
      assertInstanceOf(Boolean.class, error.getValue("retryable"), frame::encode);
      if ("INTERNAL_ERROR".equals(error.getString("code"))) {
        assertTrue(error.getBoolean("retryable"), frame::encode);
      }
    }
    return frame;
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add((String) v));
    return out;
  }

  private static JsonObject envelope(String id, String type, String sessionId, JsonObject payload) {
    JsonObject frame = new JsonObject().put("arcp", "1.1").put("id", id).put("type", type);
    if (sessionId != null) {
      frame.put("session_id", sessionId);
    }
    return frame.put("payload", payload);
  }

  // ==== Java SDK client ========================================================================================

  private static String javaId() {
    return Wire.ulid(); // MessageId.generate(): bare monotonic ULID
  }

  /** {@code ArcpClient.connect()}: no session_id, no trace_id, bearer auth, the configured features. */
  private static JsonObject javaHello(List<String> features) {
    return envelope(javaId(), "session.hello", null, new JsonObject()
        .put("client", new JsonObject().put("name", "arcp-java-client").put("version", "1.1.0"))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", TestGateway.ALICE))
        .put("capabilities", new JsonObject().put("encodings", new JsonArray().add("json"))
            .put("features", new JsonArray(features))));
  }

  private static WireClient javaSession() {
    WireClient client = gateway.connect();
    client.send(javaHello(List.of("progress", "agent_versions", "lease_expires_at")));
    client.welcomed(client.expect("session.welcome"));
    return client;
  }

  @Test
  void javaHelloIsWelcomed() {
    List<String> features = List.of("heartbeat", "ack", "progress", "result_chunk", "agent_versions");
    WireClient client = gateway.connect();
    client.send(javaHello(features));
    JsonObject welcome = client.expect("session.welcome");
    assertWelcomeForAllClients(welcome, features);
  }

  @Test
  void javaDefaultAnonymousHelloIsRefusedWithTheCarrierItReads() {
    JsonObject hello = javaHello(List.of());
    hello.getJsonObject("payload").put("auth", new JsonObject().put("scheme", "anonymous"));
    WireClient client = gateway.connect();
    client.send(hello);
    // the Java client fails connect() on the jobless job.error whose id is its hello's id
    assertPreWelcomeRefusal(client, hello.getString("id"), "INVALID_REQUEST");
  }

  @Test
  void javaSubmitIsAcceptedFifoAndFinishes() {
    WireClient client = javaSession();
    JsonObject submit = envelope(javaId(), "job.submit", client.sessionId(),
        new JsonObject().put("agent", "echo@1.0.0").put("input", new JsonObject().put("k", "v")));
    client.send(submit);
    JsonObject accepted = client.expect("job.accepted");
    String jobId = accepted.getString("job_id");
    assertEquals(jobId, accepted.getJsonObject("payload").getString("job_id"));
    assertEquals("echo@1.0.0", accepted.getJsonObject("payload").getString("agent"));
    assertFalse(accepted.containsKey("event_seq"));
    JsonObject result = client.expect("job.result");
    assertEquals(jobId, result.getString("job_id"));
    assertEquals(1L, result.getLong("event_seq"));
    assertEquals("success", result.getJsonObject("payload").getString("final_status"));
  }

  @Test
  void javaSubmitRejectionIsAJoblessJobErrorEchoingTheRequestId() {
    WireClient client = javaSession();
    JsonObject submit = envelope(javaId(), "job.submit", client.sessionId(),
        new JsonObject().put("agent", "no-such-agent").put("input", new JsonObject()));
    client.send(submit);
    JsonObject first = client.next();
    assertEquals("job.error", first.getString("type"), first::encode);
    assertEquals(submit.getString("id"), first.getString("id"), "the Java client correlates on the echoed id");
    assertFalse(first.containsKey("job_id"), first::encode);
    assertFalse(first.containsKey("event_seq"), first::encode);
    assertEquals("AGENT_NOT_AVAILABLE", first.getJsonObject("payload").getString("code"));
    assertEquals("error", first.getJsonObject("payload").getString("final_status"));
  }

  @Test
  void javaCancelWithReasonIsAcknowledged() {
    WireClient client = javaSession();
    JsonObject submit = envelope(javaId(), "job.submit", client.sessionId(),
        new JsonObject().put("agent", "slow").put("input", new JsonObject().put("seconds", 5)));
    client.send(submit);
    String jobId = client.expect("job.accepted").getString("job_id");
    JsonObject cancel = envelope(javaId(), "job.cancel", client.sessionId(), new JsonObject().put("reason", "user"))
        .put("job_id", jobId);
    client.send(cancel);
    JsonObject cancelled = client.nextOfType("job.cancelled");
    assertEquals(jobId, cancelled.getString("job_id"));
    assertEquals("user", cancelled.getJsonObject("payload").getString("reason"));
    JsonObject terminal = client.nextMatching(f -> "job.error".equals(f.getString("type")), "job.error");
    assertEquals(jobId, terminal.getString("job_id"));
    assertEquals("cancelled", terminal.getJsonObject("payload").getString("final_status"));
    assertEquals("CANCELLED", terminal.getJsonObject("payload").getString("code"));
  }

  @Test
  void javaCloseIsAnsweredWithSessionClosed() {
    WireClient client = javaSession();
    // ArcpClient.close(): Message.Type.SESSION_BYE, whose wire name is "session.close"
    client.send(envelope(javaId(), "session.close", client.sessionId(),
        new JsonObject().put("reason", "client close")));
    JsonObject closed = client.expect("session.closed");
    assertEquals(client.sessionId(), closed.getString("session_id"));
    assertEquals("client close", closed.getJsonObject("payload").getString("reason"));
    assertEquals((short) 1000, client.awaitClose());
  }

  // ==== TypeScript SDK client ==================================================================================

  private static String tsId() {
    return "msg_" + Wire.ulid(); // newMessageId()
  }

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

  /** The OTel middleware's carrier, at the top level of the envelope. */
  private static JsonObject otel() {
    return new JsonObject().put("x-vendor.opentelemetry.tracecontext", new JsonObject()
        .put("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01"));
  }

  /** {@code ARCPClient.connect()}: every v1.1 feature by default, top-level OTel extension. */
  private static JsonObject tsHello() {
    return envelope(tsId(), "session.hello", null, new JsonObject()
        .put("client", new JsonObject().put("name", "my-ts-app").put("version", "0.3.0"))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", TestGateway.ALICE))
        .put("capabilities", new JsonObject().put("features", new JsonArray(V1_1_FEATURES))
            .put("encodings", new JsonArray().add("json"))))
        .put("extensions", otel());
  }

  private static WireClient tsSession() {
    WireClient client = gateway.connect();
    client.send(tsHello());
    client.welcomed(assertTypeScriptReadable(client.expect("session.welcome")));
    return client;
  }

  @Test
  void typeScriptHelloWithTraceContextExtensionIsWelcomed() {
    WireClient client = gateway.connect();
    client.send(tsHello());
    JsonObject welcome = assertTypeScriptReadable(client.expect("session.welcome"));
    assertWelcomeForAllClients(welcome, V1_1_FEATURES);
  }

  @Test
  void typeScriptSubmitIsCorrelatedByTraceId() {
    WireClient client = tsSession();
    JsonObject submit = envelope(tsId(), "job.submit", client.sessionId(),
        new JsonObject().put("agent", "echo").put("input", "hi"))
        .put("trace_id", TRACE).put("extensions", otel());
    client.send(submit);
    JsonObject accepted = assertTypeScriptReadable(client.expect("job.accepted"));
    assertEquals(TRACE, accepted.getString("trace_id"), "the TS client matches job.accepted on trace_id");
    JsonObject result = assertTypeScriptReadable(client.expect("job.result"));
    assertEquals("success", result.getJsonObject("payload").getString("final_status"));
    assertEquals(1L, result.getLong("event_seq"));
  }

  @Test
  void typeScriptCancelWithoutReasonTargetsTheEnvelopeJobId() {
    WireClient client = tsSession();
    client.send(envelope(tsId(), "job.submit", client.sessionId(),
        new JsonObject().put("agent", "slow").put("input", new JsonObject().put("seconds", 5)))
        .put("trace_id", TRACE));
    String jobId = assertTypeScriptReadable(client.expect("job.accepted")).getString("job_id");
    JsonObject cancel = envelope(tsId(), "job.cancel", client.sessionId(), new JsonObject()).put("job_id", jobId);
    client.send(cancel);
    long lastSeq = 0;
    JsonObject cancelled = null;
    JsonObject terminal;
    while (true) {
      JsonObject frame = assertTypeScriptReadable(client.next());
      if (frame.containsKey("event_seq")) {
        assertEquals(lastSeq + 1, frame.getLong("event_seq"), "TS flags any gap: " + frame.encode());
        lastSeq = frame.getLong("event_seq");
      }
      if ("job.cancelled".equals(frame.getString("type"))) {
        cancelled = frame;
      } else if ("job.error".equals(frame.getString("type"))) {
        terminal = frame;
        break;
      }
    }
    assertNotNull(cancelled, "job.cancelled before the terminal job.error");
    assertEquals(jobId, cancelled.getString("job_id"));
    assertFalse(cancelled.containsKey("event_seq"), cancelled::encode);
    assertEquals(jobId, cancelled.getJsonObject("payload").getString("job_id"));
    assertEquals(cancel.getString("id"), cancelled.getJsonObject("payload").getString("request_id"));
    assertEquals(jobId, terminal.getString("job_id"));
    JsonObject error = terminal.getJsonObject("payload");
    assertEquals("cancelled", error.getString("final_status"));
    assertEquals("CANCELLED", error.getString("code"));
    assertEquals(Boolean.FALSE, error.getBoolean("retryable"));
  }

  @Test
  void typeScriptByeWithoutReasonIsAnsweredWithBye() {
    WireClient client = tsSession();
    client.send(envelope(tsId(), "session.bye", client.sessionId(), new JsonObject()));
    // the TS client knows session.bye, not session.closed (issue: it logged a parse error on every close)
    JsonObject bye = assertTypeScriptReadable(client.expect("session.bye"));
    assertEquals(new JsonObject(), bye.getJsonObject("payload"));
    assertEquals((short) 1000, client.awaitClose());
  }

  /**
   * A refused hello names no session: the frames carry no made-up {@code session_id}, so the TS client drops
   * them and learns of the refusal from the 1008 close, as it does from the TS and Python runtimes.
   */
  @Test
  void aPreWelcomeRefusalCarriesNoMadeUpSessionId() {
    WireClient refused = gateway.connect();
    JsonObject hello = tsHello();
    hello.getJsonObject("payload").getJsonObject("auth").put("token", "expired");
    refused.send(hello);
    assertEquals((short) 1008, refused.awaitClose());
    List<JsonObject> frames = refused.drain();
    assertFalse(frames.isEmpty());
    for (JsonObject frame : frames) {
      assertFalse(frame.containsKey("session_id"), "no session exists, so no made-up session_id: " + frame);
    }
  }

  @Test
  void typeScriptSubmitRejectionReachesThePendingSubmitByTraceId() {
    WireClient client = tsSession();
    JsonObject submit = envelope(tsId(), "job.submit", client.sessionId(),
        new JsonObject().put("agent", "no-such-agent").put("input", 1)).put("trace_id", TRACE);
    client.send(submit);
    // wire-notes §13.1: the TS client rejects a pending submit only on a job.error WITH a job_id (matched by
    // trace_id); the jobless form for the Java client may come first
    JsonObject withJob = null;
    for (int i = 0; i < 2 && withJob == null; i++) {
      JsonObject frame = assertTypeScriptReadable(client.next());
      assertEquals("job.error", frame.getString("type"), frame::encode);
      if (frame.containsKey("job_id")) {
        withJob = frame;
      }
    }
    assertNotNull(withJob, "a job.error with a job_id");
    assertEquals(TRACE, withJob.getString("trace_id"));
    assertEquals(1L, withJob.getLong("event_seq"));
    assertEquals("AGENT_NOT_AVAILABLE", withJob.getJsonObject("payload").getString("code"));
  }

  // ==== Python SDK client ======================================================================================

  /** The Python client: bare ULID ids, {@code agents: []} in its capabilities. */
  private static JsonObject pythonHello(String token) {
    return envelope(Wire.ulid(), "session.hello", null, new JsonObject()
        .put("client", new JsonObject().put("name", "arcp-python").put("version", "1.1.3"))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", token))
        .put("capabilities", new JsonObject().put("encodings", new JsonArray().add("json"))
            .put("features", new JsonArray(V1_1_FEATURES)).put("agents", new JsonArray())));
  }

  @Test
  void pythonHelloIsWelcomedWithThePayloadSessionIdAndTheWholeInventory() {
    WireClient client = gateway.connect();
    client.send(pythonHello(TestGateway.ALICE));
    JsonObject welcome = client.expect("session.welcome");
    assertWelcomeForAllClients(welcome, V1_1_FEATURES); // agents: [] from the client does not empty the inventory
  }

  @Test
  void pythonReadsTheFirstFrameOfARefusal() {
    WireClient client = gateway.connect();
    JsonObject hello = pythonHello("wrong");
    client.send(hello);
    JsonObject first = client.next();
    assertEquals("session.error", first.getString("type"), "the Python client reads only the first frame");
    assertEquals("UNAUTHENTICATED", first.getJsonObject("payload").getString("code"));
    assertEquals(hello.getString("id"), first.getJsonObject("payload").getJsonObject("details")
        .getString("request_id"));
  }

  @Test
  void pythonSubmitIsCorrelatedByRequestId() {
    WireClient client = gateway.connect();
    client.send(pythonHello(TestGateway.ALICE));
    client.welcomed(client.expect("session.welcome"));
    JsonObject submit = envelope(Wire.ulid(), "job.submit", client.sessionId(),
        new JsonObject().put("agent", "echo").put("input", new JsonObject()));
    client.send(submit);
    JsonObject accepted = client.expect("job.accepted");
    assertEquals(submit.getString("id"), accepted.getJsonObject("payload").getString("request_id"));
  }

  @Test
  void pythonCloseWithReasonAndCodeIsAnsweredWithSessionClosed() {
    WireClient client = gateway.connect();
    client.send(pythonHello(TestGateway.ALICE));
    client.welcomed(client.expect("session.welcome"));
    client.send(envelope(Wire.ulid(), "session.close", client.sessionId(),
        new JsonObject().put("reason", "client_shutdown").put("code", "NORMAL")));
    JsonObject closed = client.expect("session.closed");
    assertEquals("client_shutdown", closed.getJsonObject("payload").getString("reason"));
    assertEquals((short) 1000, client.awaitClose());
  }

  @Test
  void pythonStylePingTimestampIsAccepted() {
    WireClient client = gateway.connect();
    client.send(pythonHello(TestGateway.ALICE));
    client.welcomed(client.expect("session.welcome"));
    client.send(envelope(Wire.ulid(), "session.ping", client.sessionId(), new JsonObject()
        .put("nonce", Wire.ulid()).put("sent_at", "2026-05-13T19:42:13.000123+00:00")));
    assertNotNull(client.expect("session.pong").getJsonObject("payload").getString("received_at"));
  }
}
