package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.events;
import static dev.arcpgateway.testing.JobFrames.hasSeq;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.agent.ResultStream;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** §8.4: result_chunk events (order, one result_id, encodings, caps) terminated by a job.result naming them. */
@ExtendWith(VertxExtension.class)
class Section8_4_ResultStreamingTest {

  static final String PATTERN = "0123456789abcdef";
  /** The five body fields of §8.4. */
  static final java.util.Set<String> CHUNK_KEYS = java.util.Set.of("result_id", "chunk_seq", "data", "encoding", "more");

  static TestGateway gateway;
  /** Chunks of at most 64 bytes, results of at most 1000; its own Vert.x (gateways share bus addresses). */
  static TestGateway capped;
  static Vertx cappedVertx;

  /** Two base64 chunks: bytes 0..127, then 128..255. */
  static Future<?> binary(JobContext job) {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    ResultStream stream = job.resultStream();
    return stream.write(Buffer.buffer(java.util.Arrays.copyOfRange(all, 0, 128)))
        .compose(v -> stream.write(Buffer.buffer(java.util.Arrays.copyOfRange(all, 128, 256))))
        .map("binary");
  }

  /** Streams two utf8 chunks and returns an object (which must not become an inline result). */
  static Future<?> unfinished(JobContext job) {
    ResultStream stream = job.resultStream();
    return stream.write("abc").compose(v -> stream.write("déf")).map(new JsonObject().put("inline", true));
  }

  /** Tries to send a result_chunk as an ordinary event; answers inline with what happened. */
  static Future<?> chunkThroughEmit(JobContext job) {
    return job.emit("result_chunk", new JsonObject().put("result_id", "res_x").put("chunk_seq", 0)
            .put("data", "x").put("encoding", "utf8").put("more", false))
        .transform(ar -> Future.succeededFuture(ar.succeeded() ? "emitted"
            : ar.cause() instanceof ArcpException e ? e.code().name() : ar.cause().toString()));
  }

  /** Completed when the over-cap agent hears that its job ended. */
  static final java.util.concurrent.CompletableFuture<String> OVER_CAP_TOLD = new java.util.concurrent.CompletableFuture<>();

  /** Writes one chunk over the cap of the capped gateway, then waits to be told that its job is over. */
  static Future<?> overCap(JobContext job) {
    job.whenCancelled().onComplete(v -> OVER_CAP_TOLD.complete("told"));
    return job.resultStream().write("x".repeat(100)).compose(v -> job.whenCancelled()).map("ended");
  }

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    List<AgentRegistration> agents = List.of(
        AgentRegistration.of("binary", "1.0.0", Section8_4_ResultStreamingTest::binary),
        AgentRegistration.of("unfinished", "1.0.0", Section8_4_ResultStreamingTest::unfinished),
        AgentRegistration.of("chunk-emit", "1.0.0", Section8_4_ResultStreamingTest::chunkThroughEmit));
    gateway = TestGateway.start(vertx, options -> { }, agents);
    cappedVertx = Vertx.vertx();
    capped = TestGateway.start(cappedVertx, options -> options.setResultChunkMaxBytes(64).setResultMaxBytes(1000),
        List.of(AgentRegistration.of("over-cap", "1.0.0", Section8_4_ResultStreamingTest::overCap)));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    capped.close();
    cappedVertx.close().await(10, TimeUnit.SECONDS);
  }

  static JsonObject body(JsonObject event) {
    return payload(event).getJsonObject("body");
  }

  static String expectedReport(int bytes) {
    return PATTERN.repeat(bytes / PATTERN.length() + 1).substring(0, bytes);
  }

  static List<JsonObject> run(TestGateway on, String agent, Object input) {
    WireClient client = on.session(TestGateway.ALICE);
    String id = client.submit(agent, input);
    return client.untilTerminal(client.expectAccepted(id).getString("job_id"));
  }

  /** Checks the chunk rules and returns the chunks' decoded bytes, concatenated. */
  static byte[] assertChunks(List<JsonObject> chunks, int maxBytes) {
    assertFalse(chunks.isEmpty());
    String resultId = body(chunks.get(0)).getString("result_id");
    assertTrue(resultId != null && resultId.startsWith("res_"), chunks.get(0).encode());
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < chunks.size(); i++) {
      JsonObject body = body(chunks.get(i));
      assertEquals(CHUNK_KEYS, body.fieldNames(), body.encode());
      assertEquals(resultId, body.getString("result_id"), "one result_id per job");
      assertEquals(i, body.getInteger("chunk_seq"), "chunk_seq from 0 in order");
      assertEquals(i < chunks.size() - 1, body.getBoolean("more"), "more:false only on the last chunk");
      byte[] data = "base64".equals(body.getString("encoding"))
          ? Base64.getDecoder().decode(body.getString("data"))
          : body.getString("data").getBytes(StandardCharsets.UTF_8);
      assertTrue(List.of("utf8", "base64").contains(body.getString("encoding")), body.encode());
      assertTrue(data.length <= maxBytes, "chunk of " + data.length + " bytes > " + maxBytes);
      all.writeBytes(data);
    }
    return all.toByteArray();
  }

  @Test
  void reportStreamsUtf8ChunksThenAResultNamingThem() {
    List<JsonObject> frames = run(gateway, "report", new JsonObject().put("bytes", 100).put("chunk", 16));
    List<JsonObject> chunks = events(frames, "result_chunk");
    assertEquals(frames.size() - 1, chunks.size(), "only chunks before the result: " + frames);
    assertTrue(chunks.stream().allMatch(c -> "utf8".equals(body(c).getString("encoding"))));
    assertEquals(expectedReport(100), new String(assertChunks(chunks, 16), StandardCharsets.UTF_8));
    JsonObject result = last(frames);
    assertEquals("job.result", type(result));
    JsonObject p = payload(result);
    assertEquals("success", p.getString("final_status"));
    assertEquals(body(chunks.get(0)).getString("result_id"), p.getString("result_id"));
    assertEquals(100L, p.getLong("result_size"));
    assertFalse(p.containsKey("result"), "no inline result with result_id: " + p.encode());
    long seq = frames.get(0).getLong("event_seq");
    for (JsonObject frame : frames) {
      assertEquals(seq++, frame.getLong("event_seq"));
    }
  }

  @Test
  void aSessionWithoutResultChunkGetsTheResultInline() {
    WireClient client = gateway.connect();
    client.send(dev.arcpgateway.testing.Wire.hello(TestGateway.ALICE, List.of("progress", "agent_versions")));
    client.welcomed(client.expect("session.welcome"));
    client.submit("report", new JsonObject().put("bytes", 100).put("chunk", 16));
    String jobId = client.expect("job.accepted").getString("job_id");
    List<JsonObject> frames = client.untilTerminal(jobId);
    assertEquals(1, frames.size(), "no result_chunk events outside the negotiated features: " + frames);
    JsonObject p = payload(frames.get(0));
    assertEquals("job.result", type(frames.get(0)));
    assertEquals(expectedReport(100), p.getString("result"));
    assertFalse(p.containsKey("result_id"), "inline, so no result_id: " + p.encode());
    assertEquals(1L, frames.get(0).getLong("event_seq"), "withheld chunks consume no event_seq");
  }

  @Test
  void aBinaryResultIsInlinedAsBase64WithoutResultChunk() {
    WireClient client = gateway.connect();
    client.send(dev.arcpgateway.testing.Wire.hello(TestGateway.ALICE, List.of("agent_versions")));
    client.welcomed(client.expect("session.welcome"));
    client.submit("binary", null);
    String jobId = client.expect("job.accepted").getString("job_id");
    JsonObject result = payload(last(client.untilTerminal(jobId)));
    JsonObject inline = result.getJsonObject("result");
    assertEquals("base64", inline.getString("encoding"));
    byte[] expected = new byte[256];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (byte) i;
    }
    assertArrayEquals(expected, Base64.getDecoder().decode(inline.getString("data")));
    assertEquals("binary", result.getString("summary"));
  }

  @Test
  void aLargeReportArrivesWhole() {
    List<JsonObject> frames = run(gateway, "report", new JsonObject().put("bytes", 200_000).put("chunk", 4096));
    List<JsonObject> chunks = events(frames, "result_chunk");
    assertTrue(chunks.size() >= 49, "200000 bytes in chunks of ≤ 4096: " + chunks.size());
    assertEquals(expectedReport(200_000), new String(assertChunks(chunks, 4096), StandardCharsets.UTF_8));
    assertEquals(200_000L, payload(last(frames)).getLong("result_size"));
  }

  @Test
  void bytesAreStreamedAsBase64() {
    List<JsonObject> frames = run(gateway, "binary", null);
    List<JsonObject> chunks = events(frames, "result_chunk");
    assertEquals("base64", body(chunks.get(0)).getString("encoding"));
    assertEquals("base64", body(chunks.get(1)).getString("encoding"));
    byte[] expected = new byte[256];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (byte) i;
    }
    assertArrayEquals(expected, assertChunks(chunks, 256));
    JsonObject p = payload(last(frames));
    assertEquals(256L, p.getLong("result_size"), "decoded bytes");
    assertEquals(body(chunks.get(0)).getString("result_id"), p.getString("result_id"));
    assertEquals("binary", p.getString("summary"));
  }

  @Test
  void anAgentThatReturnsMidStreamGetsAClosingChunk() {
    List<JsonObject> frames = run(gateway, "unfinished", null);
    List<JsonObject> chunks = events(frames, "result_chunk");
    assertEquals(3, chunks.size(), frames.toString());
    String resultId = body(chunks.get(0)).getString("result_id");
    assertEquals(new JsonObject().put("result_id", resultId).put("chunk_seq", 2).put("data", "")
        .put("encoding", "utf8").put("more", false), body(chunks.get(2)));
    assertEquals("abcdéf", new String(assertChunks(chunks, 64), StandardCharsets.UTF_8));
    JsonObject p = payload(last(frames));
    assertEquals("job.result", type(last(frames)));
    assertEquals(resultId, p.getString("result_id"));
    assertEquals(7L, p.getLong("result_size"), "UTF-8 bytes, not characters");
    assertFalse(p.containsKey("result"), "never inline and chunked together: " + p.encode());
  }

  @Test
  void resultChunkCannotBeEmittedAsAnOrdinaryEvent() {
    List<JsonObject> frames = run(gateway, "chunk-emit", null);
    assertEquals(1, frames.size(), frames.toString());
    assertEquals("INVALID_REQUEST", payload(frames.get(0)).getString("result"));
  }

  @Test
  void aChunkAtTheCapIsAccepted() {
    List<JsonObject> frames = run(capped, "report", new JsonObject().put("bytes", 128).put("chunk", 64));
    assertEquals("job.result", type(last(frames)), last(frames).encode());
    assertEquals(expectedReport(128),
        new String(assertChunks(events(frames, "result_chunk"), 64), StandardCharsets.UTF_8));
  }

  @Test
  void aChunkOverTheCapEndsTheJobWithInternalError() {
    WireClient client = capped.session(TestGateway.ALICE);
    String id = client.submit("report", new JsonObject().put("bytes", 100).put("chunk", 65));
    List<JsonObject> frames = client.untilTerminal(client.expectAccepted(id).getString("job_id"));
    assertEquals(1, frames.size(), "the oversized chunk is not emitted: " + frames);
    JsonObject error = frames.get(0);
    assertEquals("job.error", type(error));
    assertTrue(hasSeq(error));
    assertErrorPayload(payload(error), "error", "INTERNAL_ERROR");
    assertTrue(payload(error).getBoolean("retryable"), "INTERNAL_ERROR is always retryable");
    client.expectSilence(Duration.ofMillis(200));
  }

  @Test
  void aResultOverTheTotalCapEndsTheJobWithInternalError() {
    WireClient client = capped.session(TestGateway.ALICE);
    String id = client.submit("report", new JsonObject().put("bytes", 2000).put("chunk", 50));
    List<JsonObject> frames = client.untilTerminal(client.expectAccepted(id).getString("job_id"));
    List<JsonObject> chunks = events(frames, "result_chunk");
    assertEquals(20, chunks.size(), "1000 bytes pass, the 21st chunk breaks the cap");
    assertEquals(frames.size() - 1, chunks.size());
    JsonObject error = last(frames);
    assertEquals("job.error", type(error));
    assertErrorPayload(payload(error), "error", "INTERNAL_ERROR");
    assertTrue(payload(error).getBoolean("retryable"));
    client.expectSilence(Duration.ofMillis(200));
  }

  /**
   * A cap breach ends the job from outside the agent; the agent must hear of it (JobContext#whenCancelled), or
   * it keeps producing a result nobody receives.
   */
  @Test
  void theAgentIsToldWhenACapEndsItsJob() throws Exception {
    List<JsonObject> frames = run(capped, "over-cap", null);
    assertErrorPayload(payload(last(frames)), "error", "INTERNAL_ERROR");
    String told;
    try {
      told = OVER_CAP_TOLD.get(2, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      told = "not told within 2 s";
    }
    assertEquals("told", told, "JobContext.whenCancelled() after the gateway ended the job");
  }
}
