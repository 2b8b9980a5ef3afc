package dev.arcpgateway.agent.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The bridge's framing on the way out: a 4-byte big-endian length, then the JSON object. */
final class BridgeFrames {

  private BridgeFrames() {
  }

  static Buffer framed(JsonObject frame) {
    Buffer json = frame.toBuffer();
    return Buffer.buffer(4 + json.length()).appendInt(json.length()).appendBuffer(json);
  }
}
