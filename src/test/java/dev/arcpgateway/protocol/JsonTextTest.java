package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A logged frame's text holds its payload once, and reads back as the frame without the text copy. */
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
}
