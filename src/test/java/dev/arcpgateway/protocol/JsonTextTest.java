package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
