package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.assertStrictUtc;
import static dev.arcpgateway.testing.JobFrames.terminalPayload;
import static dev.arcpgateway.testing.JobFrames.events;
import static dev.arcpgateway.testing.JobFrames.hasSeq;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** §8: job.event envelopes, the ten kinds and their bodies, progress gating, session-scoped event_seq. */
@ExtendWith(VertxExtension.class)
class Section8_EventsTest {

  static final String SHA = "a".repeat(64);

  static TestGateway gateway;

  /** Emits one event of every kind (tool_result twice: result and error), in order, through JobContext. */
  static Future<?> everyKind(JobContext job) {
    return job.log("info", "hello")
        .compose(v -> job.thought("thinking"))
        .compose(v -> job.toolCall("grep", new JsonObject().put("pattern", "deprecated"), "call_1"))
        .compose(v -> job.toolResult("call_1", new JsonObject().put("matches", 3)))
        .compose(v -> job.toolError("call_2", new ArcpException(ErrorCode.PERMISSION_DENIED, "denied")))
        .compose(v -> job.status("running", "halfway"))
        .compose(v -> job.metric("tokens.in", 1234, "tokens", new JsonObject().put("model", "m1")))
        .compose(v -> job.artifactRef("file:///tmp/report.txt", "text/plain", 42L, SHA))
        .compose(v -> job.emit("delegate", new JsonObject().put("delegate_id", "del_1").put("agent", "echo")
            .put("input", new JsonObject().put("q", 1))))
        .compose(v -> job.progress(3, 10L, "files", "src/a"))
        .compose(v -> job.resultStream().write("chunk-data"))
        .map("all kinds");
  }

  /** Tries bodies that break §8.2; answers with what each attempt's future failed with. */
  static Future<?> badBodies(JobContext job) {
    JsonObject error = new JsonObject().put("code", "PERMISSION_DENIED").put("message", "no").put("retryable", false);
    Map<String, Future<Void>> attempts = new java.util.LinkedHashMap<>();
    attempts.put("progress_negative", job.progress(-1, null, null, null));
    attempts.put("progress_total_negative", job.progress(1, -5L, null, null));
    attempts.put("log_level_loud", job.log("loud", "x"));
    attempts.put("log_without_message", job.emit("log", new JsonObject().put("level", "info")));
    attempts.put("thought_without_text", job.emit("thought", new JsonObject()));
    attempts.put("tool_call_without_call_id", job.emit("tool_call", new JsonObject().put("tool", "t")));
    attempts.put("tool_result_both", job.emit("tool_result",
        new JsonObject().put("call_id", "c").put("result", 1).put("error", error)));
    attempts.put("tool_result_neither", job.emit("tool_result", new JsonObject().put("call_id", "c")));
    attempts.put("status_without_phase", job.emit("status", new JsonObject().put("message", "m")));
    attempts.put("metric_without_value", job.emit("metric", new JsonObject().put("name", "m")));
    attempts.put("artifact_negative_size", job.artifactRef("file:///x", "text/plain", -1L, null));
    attempts.put("artifact_without_uri", job.emit("artifact_ref", new JsonObject().put("content_type", "a/b")));
    attempts.put("unknown_kind", job.emit("bogus", new JsonObject()));
    attempts.put("null_body", job.emit("log", null));
    JsonObject codes = new JsonObject();
    List<Future<?>> recorded = new ArrayList<>();
    attempts.forEach((name, attempt) -> recorded.add(attempt.transform(ar -> {
      codes.put(name, ar.succeeded() ? "emitted"
          : ar.cause() instanceof ArcpException e ? e.code().name() : ar.cause().getClass().getName());
      return Future.succeededFuture();
    })));
    return Future.all(recorded).map(codes);
  }

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, List.of(
        AgentRegistration.of("kinds", "1.0.0", Section8_EventsTest::everyKind),
        AgentRegistration.of("bad-bodies", "1.0.0", Section8_EventsTest::badBodies),
        AgentRegistration.of("dims", "1.0.0", job -> job.emit("metric", new JsonObject().put("name", "latency")
            .put("value", 12.5).put("unit", "ms").put("dims", new JsonObject().put("region", "eu"))).map("ok"))));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static JsonObject body(JsonObject event) {
    return payload(event).getJsonObject("body");
  }

  @Test
  void everyKindReachesTheClientWithKindTsAndBody() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("kinds", null);
    JsonObject accepted = client.expectAccepted(id);
    String jobId = accepted.getString("job_id");
    List<JsonObject> frames = client.untilTerminal(jobId);

    List<String> kinds = frames.stream().filter(f -> "job.event".equals(type(f)))
        .map(f -> payload(f).getString("kind")).toList();
    assertEquals(List.of("log", "thought", "tool_call", "tool_result", "tool_result", "status", "metric",
        "artifact_ref", "delegate", "progress", "result_chunk", "result_chunk"), kinds);
    long seq = 1;
    for (JsonObject frame : frames) {
      assertEquals(jobId, frame.getString("job_id"));
      assertEquals(client.sessionId(), frame.getString("session_id"));
      assertEquals(seq++, frame.getLong("event_seq"), frame.encode());
      if ("job.event".equals(type(frame))) {
        assertEquals(Set.of("kind", "ts", "body"), payload(frame).fieldNames(), frame.encode());
        assertStrictUtc(payload(frame).getString("ts"));
      }
    }

    List<JsonObject> events = frames.subList(0, frames.size() - 1);
    assertEquals(new JsonObject().put("level", "info").put("message", "hello"), body(events.get(0)));
    assertEquals(new JsonObject().put("text", "thinking"), body(events.get(1)));
    assertEquals(new JsonObject().put("tool", "grep").put("args", new JsonObject().put("pattern", "deprecated"))
        .put("call_id", "call_1"), body(events.get(2)));
    assertEquals(new JsonObject().put("call_id", "call_1").put("result", new JsonObject().put("matches", 3)),
        body(events.get(3)));
    assertEquals(new JsonObject().put("call_id", "call_2").put("error", new JsonObject()
        .put("code", "PERMISSION_DENIED").put("message", "denied").put("retryable", false)), body(events.get(4)));
    assertEquals(new JsonObject().put("phase", "running").put("message", "halfway"), body(events.get(5)));
    assertEquals(new JsonObject().put("name", "tokens.in").put("value", 1234).put("unit", "tokens")
        .put("dimensions", new JsonObject().put("model", "m1")), body(events.get(6)));
    assertEquals(new JsonObject().put("uri", "file:///tmp/report.txt").put("content_type", "text/plain")
        .put("byte_size", 42).put("sha256", SHA), body(events.get(7)));
    assertEquals(new JsonObject().put("delegate_id", "del_1").put("agent", "echo")
        .put("input", new JsonObject().put("q", 1)), body(events.get(8)));
    assertEquals(new JsonObject().put("current", 3).put("total", 10).put("units", "files").put("message", "src/a"),
        body(events.get(9)));
    JsonObject chunk = body(events.get(10));
    String resultId = chunk.getString("result_id");
    assertEquals(new JsonObject().put("result_id", resultId).put("chunk_seq", 0).put("data", "chunk-data")
        .put("encoding", "utf8").put("more", true), chunk);
    assertEquals(new JsonObject().put("result_id", resultId).put("chunk_seq", 1).put("data", "")
        .put("encoding", "utf8").put("more", false), body(events.get(11)));

    JsonObject result = last(frames);
    assertEquals("job.result", type(result));
    assertEquals(new JsonObject().put("final_status", "success").put("result_id", resultId).put("result_size", 10)
        .put("summary", "all kinds"), terminalPayload(result));
  }

  @Test
  void badBodiesFailTheAgentsFutureAndEmitNothing() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("bad-bodies", null);
    String jobId = client.expectAccepted(id).getString("job_id");
    List<JsonObject> frames = client.untilTerminal(jobId);
    assertEquals(1, frames.size(), "nothing but the result: " + frames);
    JsonObject result = frames.get(0);
    assertEquals("job.result", type(result), result.encode());
    assertEquals(1L, result.getLong("event_seq"), "no event consumed a sequence number");
    JsonObject codes = payload(result).getJsonObject("result");
    assertEquals(14, codes.size(), codes.encode());
    codes.forEach(e -> assertEquals("INVALID_REQUEST", e.getValue(), e.getKey() + ": " + codes.encode()));
  }

  @Test
  void metricDimsIsNormalisedToDimensions() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("dims", null);
    List<JsonObject> frames = client.untilTerminal(client.expectAccepted(id).getString("job_id"));
    JsonObject metric = events(frames, "metric").get(0);
    assertEquals(new JsonObject().put("name", "latency").put("value", 12.5).put("unit", "ms")
        .put("dimensions", new JsonObject().put("region", "eu")), body(metric));
  }

  @Test
  void progressIsDeliveredOnlyWhenNegotiated() {
    WireClient without = gateway.connect();
    without.send(Wire.hello(TestGateway.ALICE, Wire.featuresWithout("progress")));
    JsonObject welcome = without.welcomed(without.expect("session.welcome"));
    assertFalse(welcome.getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
        .contains("progress"));
    String id = without.submit("slow", new JsonObject().put("seconds", 0.5));
    List<JsonObject> frames = without.untilTerminal(without.expectAccepted(id).getString("job_id"));
    assertEquals(1, frames.size(), "no progress without the feature: " + frames);
    assertEquals("job.result", type(frames.get(0)));
    assertEquals(1L, frames.get(0).getLong("event_seq"), "withheld events take no sequence number");
    assertEquals(new JsonObject().put("slept", 0.5), payload(frames.get(0)).getJsonObject("result"));

    WireClient with = gateway.session(TestGateway.ALICE);
    String id2 = with.submit("slow", new JsonObject().put("seconds", 0.5));
    List<JsonObject> progress = events(with.untilTerminal(with.expectAccepted(id2).getString("job_id")), "progress");
    assertTrue(progress.size() >= 2, "progress about every 100 ms: " + progress);
    long previous = -1;
    for (JsonObject event : progress) {
      JsonObject body = body(event);
      assertTrue(body.getValue("current") instanceof Integer || body.getValue("current") instanceof Long,
          "integer current: " + body.encode());
      long current = body.getLong("current");
      assertTrue(current >= 0 && current <= body.getLong("total") && current >= previous, body.encode());
      assertEquals(500L, body.getLong("total"));
      assertEquals("ms", body.getString("units"));
      previous = current;
    }
  }

  @Test
  void eventSeqIsSessionScopedAndGapFreeAcrossConcurrentJobs() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject refused = Wire.submit(client.sessionId(), "no-such-agent", null);
    client.send(refused);
    assertEquals(1L, assertRejectedSubmit(client, refused, "AGENT_NOT_AVAILABLE").getLong("event_seq"));

    String a = client.submit("chatty", new JsonObject().put("count", 40).put("size", 32));
    String b = client.submit("chatty", new JsonObject().put("count", 40).put("size", 32));
    String c = client.submit("slow", new JsonObject().put("seconds", 30));
    String d = client.submit("kinds", null);
    JsonObject ping = Wire.frame("session.ping", client.sessionId(),
        new JsonObject().put("nonce", "p_1").put("sent_at", "2026-01-01T00:00:00Z"));
    client.send(ping);

    Map<String, String> jobByRequest = new HashMap<>();
    Map<String, Long> lastLogIndex = new HashMap<>();
    Set<String> done = new HashSet<>();
    long expectedSeq = 2;
    boolean cancelSent = false;
    boolean ponged = false;
    boolean cancelled = false;
    String slowJob = null;
    while (done.size() < 4) {
      JsonObject frame = client.next();
      String type = type(frame);
      switch (type) {
        case "job.accepted", "job.cancelled", "session.pong" ->
            assertFalse(hasSeq(frame), type + " carries no event_seq: " + frame.encode());
        case "job.event", "job.result", "job.error" ->
            assertEquals(expectedSeq++, frame.getLong("event_seq"), "gap-free: " + frame.encode());
        default -> throw new AssertionError("unexpected frame " + frame.encode());
      }
      if ("job.accepted".equals(type)) {
        jobByRequest.put(payload(frame).getString("request_id"), frame.getString("job_id"));
        if (c.equals(payload(frame).getString("request_id"))) {
          slowJob = frame.getString("job_id");
        }
      }
      ponged |= "session.pong".equals(type);
      cancelled |= "job.cancelled".equals(type);
      if ("job.event".equals(type) && "log".equals(payload(frame).getString("kind"))
          && payload(frame).getJsonObject("body").getString("message").startsWith("event ")) {
        long index = Long.parseLong(payload(frame).getJsonObject("body").getString("message").split(" ")[1]);
        Long before = lastLogIndex.put(frame.getString("job_id"), index);
        assertEquals(before == null ? 0 : before + 1, index, "a job's events stay in order");
      }
      if (!"job.event".equals(type) && hasSeq(frame)) {
        done.add(frame.getString("job_id"));
      }
      if (!cancelSent && slowJob != null && done.contains(jobByRequest.get(a)) && done.contains(jobByRequest.get(b))
          && done.contains(jobByRequest.get(d))) {
        client.send(Wire.cancel(client.sessionId(), slowJob, "enough"));
        cancelSent = true;
      }
    }
    assertTrue(ponged, "session.pong seen");
    assertTrue(cancelled, "job.cancelled seen");
    assertEquals(Set.of(a, b, c, d), jobByRequest.keySet());

    // another session counts on its own
    WireClient other = gateway.session(TestGateway.ALICE);
    String id = other.submit("echo", 1);
    assertEquals(1L, other.untilTerminal(other.expectAccepted(id).getString("job_id")).get(0).getLong("event_seq"));
  }
}
