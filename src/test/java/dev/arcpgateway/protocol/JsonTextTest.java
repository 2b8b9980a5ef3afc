package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A logged frame's text holds its payload once and reads back as the frame; a job frame spliced from its payload's
 * text reads back as the frame {@link Frames#jobFrame} builds.
 */
class JsonTextTest {

  @Test
  void aLoggedFrameHoldsItsPayloadOnceAndReadsBackAsTheFrame() {
    JsonObject payload = new JsonObject().put("kind", "log").put("body", new JsonObject().put("message", "a \"b\""));
    JobFrame frame = new JobFrame(MessageType.JOB_EVENT, "job_\"1\\", "0af7", 3, payload, JsonText.payload(payload),
        false);
    String text = JsonText.loggedFrame(frame);
    assertEquals(1, text.split("\"message\"", -1).length - 1, "the payload once: " + text);
    assertEquals(frame.toJson().encode(), text, "the text Vert.x writes of the frame's JSON, fields in order");
    JobFrame back = JobFrame.fromJson(new JsonObject(text));
    assertEquals(new JobFrame(frame.type(), frame.jobId(), frame.traceId(), 3, payload, null, false), back);
    JobFrame bare = new JobFrame(MessageType.JOB_RESULT, "job_2", null, 0, payload, null, true);
    assertEquals(bare.toJson().encode(), JsonText.loggedFrame(bare), "no trace id, no index, a lifecycle mark");
    assertEquals(bare, JobFrame.fromJson(new JsonObject(JsonText.loggedFrame(bare))));
  }

  @Test
  void aSplicedJobFrameReadsBackAsTheFrameItStandsFor() {
    JsonObject payload = new JsonObject().put("kind", "log").put("body", new JsonObject().put("message", "ü \"b\""));
    String[][] ids = {{"sess_01J", "job_01J", "0af7651916cd43dd8448eb211c80319c"}, {"se\"ss\\\n", "job_\u0001", null}};
    for (String[] id : ids) {
      for (long seq : new long[] {0, 42}) {
        JsonObject spliced = new JsonObject(JsonText.jobFrame(MessageType.JOB_EVENT, id[0], id[1], id[2], seq,
            JsonText.payload(payload)));
        JsonObject built = Frames.jobFrame(MessageType.JOB_EVENT, id[0], id[1], id[2], seq, payload);
        assertTrue(Ulid.isUlid(spliced.getString("id")), spliced.encode());
        built.put("id", spliced.getString("id"));
        assertEquals(built, spliced);
        assertEquals(List.copyOf(built.fieldNames()), List.copyOf(spliced.fieldNames()), "the same field order");
      }
    }
  }

  /**
   * Payloads written directly and payloads only Jackson writes (doubles, instants, bytes, big numbers, keys that
   * are not strings) come out as Vert.x would write them; past the depth cap, or holding what is not JSON, none.
   */
  @Test
  void aPayloadIsWrittenAsVertxWritesItWhateverItHolds() {
    java.util.Random random = new java.util.Random(20261207);
    for (int i = 0; i < 2_000; i++) {
      Object payload = randomValue(random, 0);
      assertEquals(vertxText(payload), JsonText.payload(payload), "payload " + i);
    }
    Object deep = new JsonObject();
    for (int depth = 1; depth < JsonNesting.MAX_OUTPUT_DEPTH - 1; depth++) {
      deep = new JsonObject().put("d", deep);
    }
    assertEquals(io.vertx.core.json.Json.encode(deep), JsonText.payload(deep), "at the cap");
    assertEquals(null, JsonText.payload(new JsonObject().put("d", deep)), "one past the cap");
    assertEquals(null, JsonText.payload(new JsonObject().put("deep", new java.util.ArrayList<>(List.of(
        new JsonObject().put("d", deep))))), "past the cap inside an array");
    assertEquals(null, JsonText.payload(new JsonObject().put("thread", new Object())), "not JSON");
    assertEquals(null, JsonText.payload(new JsonObject().put("keys", java.util.Map.of(1, "one"))), "a key not a string");
  }

  /** As Vert.x writes it; none for a map with keys that are not strings, which Vert.x cannot write. */
  private static String vertxText(Object payload) {
    try {
      return io.vertx.core.json.Json.encode(payload);
    } catch (ClassCastException keyNotAString) {
      return null;
    }
  }

  private static Object randomValue(java.util.Random random, int depth) {
    int kind = random.nextInt(depth > 5 ? 10 : 13);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextInt();
      case 3 -> random.nextLong();
      case 4 -> randomText(random);
      case 5 -> random.nextDouble() * 1e6;
      case 6 -> java.time.Instant.ofEpochMilli(random.nextLong() >>> 24);
      case 7 -> new byte[] {(byte) random.nextInt(), 1, 2};
      case 8 -> new java.math.BigDecimal(random.nextInt()).movePointLeft(3);
      case 9 -> (short) random.nextInt();
      case 10 -> {
        JsonObject object = new JsonObject();
        for (int i = random.nextInt(4); i > 0; i--) {
          object.put(randomText(random), randomValue(random, depth + 1));
        }
        yield object;
      }
      case 11 -> {
        JsonArray array = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
      default -> {
        java.util.Map<Object, Object> map = new java.util.LinkedHashMap<>();
        map.put(random.nextInt(3) == 0 ? (Object) random.nextInt(9) : randomText(random), randomValue(random, depth + 1));
        yield random.nextBoolean() ? map : new java.util.ArrayList<>(List.of(randomText(random)));
      }
    };
  }

  private static String randomText(java.util.Random random) {
    String alphabet = "ab\"\\/\n\t\u0001\u001f\u007fé€😀 {}[],:";
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(8); i > 0; i--) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }
}
