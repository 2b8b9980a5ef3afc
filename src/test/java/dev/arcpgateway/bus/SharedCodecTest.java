package dev.arcpgateway.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.MessageType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The internal codec hands bodies over as they are on one node, and writes each kind so that it reads back. */
class SharedCodecTest {

  private final Bus.SharedCodec codec = new Bus.SharedCodec();

  @Test
  void aLocalDeliveryIsTheSameObject() {
    JsonObject json = new JsonObject().put("op", "cancel");
    JobFrame frame = JobFrame.unlogged(MessageType.JOB_EVENT, "job_1", null, new JsonObject().put("kind", "log"));
    assertSame(json, codec.transform(json));
    assertSame(frame, codec.transform(frame));
  }

  @Test
  void jsonAndJobFramesCrossTheWireAsThemselves() {
    JsonObject json = new JsonObject().put("op", "cancel").put("reason", "ü \"x\"");
    JobFrame frame = new JobFrame(MessageType.JOB_RESULT, "job_1", "0af7651916cd43dd8448eb211c80319c", 7,
        new JsonObject().put("final_status", "success").put("result", 42), "{\"ignored\":1}", true);
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, json);
    int second = wire.length();
    codec.encodeToWire(wire, frame);
    assertEquals(json, codec.decodeFromWire("prefix".length(), wire));
    // the payload's text is the sender's shortcut, not part of the frame: the receiver encodes the payload itself
    assertEquals(new JobFrame(frame.type(), frame.jobId(), frame.traceId(), 7, frame.payload(), null, true),
        codec.decodeFromWire(second, wire));
  }
}
