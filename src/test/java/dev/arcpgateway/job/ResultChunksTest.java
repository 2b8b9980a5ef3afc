package dev.arcpgateway.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Ulid;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link ResultChunks}: the §8.4 rules of a streamed result. */
class ResultChunksTest {

  private static JsonObject chunk(String data) {
    return new JsonObject().put("data", data);
  }

  private static void broken(ResultChunks chunks, JsonObject body) {
    ArcpException e = assertThrows(ArcpException.class, () -> chunks.accept(body), body.encode());
    assertEquals(ErrorCode.INTERNAL_ERROR, e.code(), e.getMessage());
  }

  @Test
  void runtimeFillsInIdSequenceEncodingAndMore() {
    ResultChunks chunks = new ResultChunks(100, 1000);
    assertFalse(chunks.started());
    JsonObject first = chunks.accept(chunk("hello "));
    assertTrue(chunks.started());
    String id = first.getString("result_id");
    assertTrue(id.startsWith("res_") && Ulid.isUlid(id.substring(4)), id);
    assertEquals(new JsonObject().put("result_id", id).put("chunk_seq", 0L).put("data", "hello ")
        .put("encoding", "utf8").put("more", true), first);
    JsonObject second = chunks.accept(chunk("world").put("more", false));
    assertEquals(id, second.getString("result_id"));
    assertEquals(1L, second.getLong("chunk_seq"));
    assertFalse(second.getBoolean("more"));
    assertEquals(11, chunks.totalBytes());
    assertEquals(id, chunks.resultId());
  }

  @Test
  void agentChosenIdAndSequenceAreKept() {
    ResultChunks chunks = new ResultChunks(100, 1000);
    assertEquals("res_mine", chunks.accept(chunk("a").put("result_id", "res_mine").put("chunk_seq", 0))
        .getString("result_id"));
    assertEquals("res_mine", chunks.accept(chunk("b").put("chunk_seq", 1)).getString("result_id"),
        "later chunks may leave the id out");
    assertEquals(2L, chunks.accept(chunk("c").put("result_id", "res_mine")).getLong("chunk_seq"));
  }

  @Test
  void oneResultIdPerJob() {
    ResultChunks chunks = new ResultChunks(100, 1000);
    chunks.accept(chunk("a").put("result_id", "res_1"));
    broken(chunks, chunk("b").put("result_id", "res_2"));
  }

  @Test
  void chunksMustComeInOrder() {
    ResultChunks skipped = new ResultChunks(100, 1000);
    broken(skipped, chunk("a").put("chunk_seq", 1));
    ResultChunks repeated = new ResultChunks(100, 1000);
    repeated.accept(chunk("a").put("chunk_seq", 0));
    broken(repeated, chunk("a").put("chunk_seq", 0));
  }

  /** The class contract: "A broken rule is an INTERNAL_ERROR that ends the job" - also for a mistyped seq. */
  @Test
  void mistypedChunkSeqIsABrokenRuleToo() {
    broken(new ResultChunks(100, 1000), chunk("a").put("chunk_seq", "0"));
    broken(new ResultChunks(100, 1000), chunk("a").put("chunk_seq", 0.5));
  }

  @Test
  void nothingAfterTheFinalChunk() {
    ResultChunks chunks = new ResultChunks(100, 1000);
    chunks.accept(chunk("a").put("more", false));
    broken(chunks, chunk("b"));
    assertNull(chunks.closingChunk(), "already closed");
  }

  @Test
  void dataAndEncodingAreChecked() {
    broken(new ResultChunks(100, 1000), new JsonObject());
    broken(new ResultChunks(100, 1000), new JsonObject().put("data", 5));
    broken(new ResultChunks(100, 1000), chunk("a").put("encoding", "hex"));
    broken(new ResultChunks(100, 1000), chunk("not base64!").put("encoding", "base64"));
    broken(new ResultChunks(100, 1000), chunk("aGVs\nbG8=").put("encoding", "base64")); // not MIME
    broken(new ResultChunks(100, 1000), chunk("aGVs-bG8").put("encoding", "base64")); // not base64url
  }

  @Test
  void capsCountDecodedBytes() {
    // "aGVsbG8=" is 8 characters but 5 bytes ("hello"): the 5-byte chunk cap lets it through
    ResultChunks chunks = new ResultChunks(5, 8);
    chunks.accept(chunk("aGVsbG8=").put("encoding", "base64"));
    assertEquals(5, chunks.totalBytes());
    chunks.accept(chunk("abc")); // 8 in total: at the cap, allowed
    assertEquals(8, chunks.totalBytes());
    broken(chunks, chunk("x"));

    ResultChunks perChunk = new ResultChunks(5, 100);
    perChunk.accept(chunk("ééa")); // 2 + 2 + 1 = 5 UTF-8 bytes
    broken(perChunk, chunk("ééé"));
    broken(new ResultChunks(5, 100), chunk("aGVsbG8h").put("encoding", "base64")); // 6 bytes
  }

  @Test
  void closingChunk() {
    assertNull(new ResultChunks(10, 10).closingChunk(), "nothing streamed, nothing to close");
    ResultChunks chunks = new ResultChunks(10, 10);
    String id = chunks.accept(chunk("a")).getString("result_id");
    chunks.accept(chunk("b"));
    assertEquals(new JsonObject().put("result_id", id).put("chunk_seq", 2L).put("data", "").put("encoding", "utf8")
        .put("more", false), chunks.closingChunk());
    assertNull(chunks.closingChunk(), "only once");
    broken(chunks, chunk("c"));
  }

  // ---------------------------------------------------------------- properties

  @Provide
  Arbitrary<String> texts() {
    // whole code points (no lone surrogates): ASCII, 2-, 3- and 4-byte UTF-8 sequences
    return Arbitraries.integers().between(0, 12).flatMap(n -> Arbitraries.of(0x41, 0x7f, 0xe9, 0x7ff, 0x800,
        0x20ac, 0xffff, 0x10000, 0x1f600, 0x10ffff).list().ofSize(n)
        .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size())));
  }

  @Property(tries = 500)
  void utf8LengthIsTheEncodedLength(@ForAll("texts") String text) {
    assertEquals(text.getBytes(StandardCharsets.UTF_8).length, dev.arcpgateway.protocol.Utf8.length(text));
  }

  @Property(tries = 300)
  void aStreamAssemblesToWhatWasSent(@ForAll Random random) {
    ResultChunks chunks = new ResultChunks(64, 64 * 20);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    ByteArrayOutputStream assembled = new ByteArrayOutputStream();
    int n = 1 + random.nextInt(12);
    String id = null;
    for (int i = 0; i < n; i++) {
      byte[] bytes = new byte[random.nextInt(65)];
      random.nextBytes(bytes);
      JsonObject body;
      if (random.nextBoolean()) {
        body = chunk(Base64.getEncoder().encodeToString(bytes)).put("encoding", "base64");
      } else {
        String text = new String(bytes, StandardCharsets.US_ASCII).replaceAll("[^ -~]", "x");
        bytes = text.getBytes(StandardCharsets.UTF_8);
        body = chunk(text);
      }
      if (random.nextBoolean()) {
        body.put("chunk_seq", i);
      }
      if (i == n - 1 && random.nextBoolean()) {
        body.put("more", false);
      }
      sent.writeBytes(bytes);
      JsonObject out = chunks.accept(body);
      assertEquals(i, out.getLong("chunk_seq"));
      id = id == null ? out.getString("result_id") : id;
      assertEquals(id, out.getString("result_id"));
      assembled.writeBytes(out.getString("encoding").equals("base64")
          ? Base64.getDecoder().decode(out.getString("data"))
          : out.getString("data").getBytes(StandardCharsets.UTF_8));
    }
    JsonObject closing = chunks.closingChunk();
    if (closing != null) {
      assertEquals(n, closing.getLong("chunk_seq"));
      assertEquals(id, closing.getString("result_id"));
    }
    assertArrayEquals(sent.toByteArray(), assembled.toByteArray());
    assertEquals(sent.size(), chunks.totalBytes());
    assertThrows(ArcpException.class, () -> chunks.accept(chunk("late")));
  }
}
