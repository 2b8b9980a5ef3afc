package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A logged frame's text holds its payload once, and reads back as the frame without the text copy; a job frame
 * spliced from its payload's text reads back as the frame {@link Frames#jobFrame} builds.
 */
class JsonTextTest {

  @Test
  void aLoggedFrameHoldsItsPayloadOnceAndReadsBackAsTheFrame() {
    JsonObject payload = new JsonObject().put("kind", "log").put("body", new JsonObject().put("message", "a \"b\""));
    JsonObject frame = new JsonObject().put("op", "job").put("type", "job.event").put("job_id", "job_1")
        .put("payload", payload).put(Frames.PAYLOAD_JSON, JsonText.payload(payload)).put("index", 3);
    String text = JsonText.loggedFrame(frame);
    assertEquals(1, text.split("\"message\"", -1).length - 1, "the payload once: " + text);
    JsonObject back = new JsonObject(text);
    assertFalse(back.containsKey(Frames.PAYLOAD_JSON));
    assertEquals(5, back.size(), "op, type, job_id, payload, index: " + back.encode());
    assertEquals(payload, back.getJsonObject("payload"));
    assertEquals(3, back.getInteger("index"));
    assertEquals(new JsonObject().put("payload", payload),
        new JsonObject(JsonText.loggedFrame(new JsonObject().put("payload", payload))), "a frame of only a payload");
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

  @Test
  void aHeadIsTheFrameWithoutItsPayloadWhateverItsFieldsHold() {
    JsonObject frame = new JsonObject().put("op", "job").put("type", "job.event").put("job_id", "job_\"1\\")
        .put("index", 3L).put("small", 7).put("lifecycle", true).put("none", null).put("ratio", 0.25)
        .put("nested", new JsonObject().put("a", new io.vertx.core.json.JsonArray().add(1).add("ü")))
        .put("payload", new JsonObject().put("kind", "log")).put(Frames.PAYLOAD_JSON, "{\"kind\":\"log\"}");
    JsonObject expected = frame.copy();
    expected.remove("payload");
    expected.remove(Frames.PAYLOAD_JSON);
    String head = JsonText.head(frame);
    assertEquals(expected.encode(), head, "the same text Vert.x writes, fields in order");
    assertEquals("{}", JsonText.head(new JsonObject().put("payload", new JsonObject())));
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
