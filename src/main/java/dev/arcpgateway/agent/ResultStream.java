package dev.arcpgateway.agent;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * A result streamed as {@code result_chunk} events (§8.4). Chunks are sent in the order written; each must
 * stay under the gateway's per-chunk cap and all of them under the total cap, or the job fails with
 * INTERNAL_ERROR. The stream is closed for the agent when its {@link Agent#run} future completes.
 */
public interface ResultStream {

  /** The runtime-assigned {@code result_id}, known once the first chunk was accepted; null before. */
  String resultId();

  /** Sends {@code text} as a {@code utf8} chunk. */
  Future<Void> write(String text);

  /** Sends {@code bytes} as a {@code base64} chunk. */
  Future<Void> write(Buffer bytes);

  /** Decoded bytes written so far. */
  long size();
}
