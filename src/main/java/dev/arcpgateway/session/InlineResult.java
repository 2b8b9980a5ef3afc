package dev.arcpgateway.session;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Frames;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A streamed result reassembled for a session that did not negotiate {@code result_chunk} (§6.2: the runtime
 * must not use a feature outside the intersection). The chunks are withheld and the terminating
 * {@code job.result} carries the whole result inline instead: a string when every chunk was {@code utf8}, else
 * {@code {"encoding": "base64", "data": …}}. Bounded: past {@code maxBytes} the session gets an INTERNAL_ERROR
 * instead, telling it to negotiate {@code result_chunk}.
 */
final class InlineResult {

  private final long maxBytes;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private boolean binary;
  private boolean overflowed;

  InlineResult(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  void add(JsonObject chunk) {
    if (overflowed) {
      return;
    }
    String data = chunk.getString("data", "");
    byte[] decoded;
    if ("base64".equals(chunk.getString("encoding"))) {
      binary = true;
      decoded = Base64.getDecoder().decode(data);
    } else {
      decoded = data.getBytes(StandardCharsets.UTF_8);
    }
    if (bytes.size() + (long) decoded.length > maxBytes) {
      overflowed = true;
      bytes.reset();
      return;
    }
    bytes.writeBytes(decoded);
  }

  /** The payload to send instead of a {@code job.result} that names the streamed result. */
  JsonObject replace(JsonObject result) {
    if (overflowed) {
      return Frames.errorPayload("error", new ArcpException(ErrorCode.INTERNAL_ERROR,
          "the streamed result exceeds " + maxBytes + " bytes, too large to deliver inline; negotiate result_chunk"));
    }
    JsonObject inline = new JsonObject().put("final_status", result.getString("final_status"));
    inline.put("result", binary
        ? new JsonObject().put("encoding", "base64").put("data", Base64.getEncoder().encodeToString(bytes.toByteArray()))
        : bytes.toString(StandardCharsets.UTF_8));
    if (result.containsKey("summary")) {
      inline.put("summary", result.getValue("summary"));
    }
    return inline;
  }

  boolean failed() {
    return overflowed;
  }
}
