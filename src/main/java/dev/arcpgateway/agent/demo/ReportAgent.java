package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.agent.ResultStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * {@code report}: input {@code {"bytes": N, "chunk": C}} → the first N bytes of "0123456789abcdef" repeated,
 * streamed as {@code result_chunk} events of at most C bytes, then a {@code job.result} naming the result.
 */
public final class ReportAgent implements Agent {

  static final String PATTERN = "0123456789abcdef";
  private static final int CHUNKS_PER_TURN = 64;

  @Override
  public Future<?> run(JobContext job) {
    JsonObject input = job.inputObject();
    long bytes = DemoInput.count(input, "bytes", 1024, 1L << 34);
    int chunk = (int) DemoInput.count(input, "chunk", 65_536, 16L << 20);
    if (chunk == 0 && bytes > 0) {
      return Future.failedFuture(dev.arcpgateway.protocol.ArcpException.invalid("chunk must be positive"));
    }
    ResultStream stream = job.resultStream();
    Promise<Object> done = Promise.promise();
    write(job, stream, 0, bytes, chunk, done);
    return done.future();
  }

  private void write(JobContext job, ResultStream stream, long offset, long bytes, int chunk, Promise<Object> done) {
    if (job.isCancelled()) {
      done.tryFail("cancelled");
      return;
    }
    Future<Void> last = Future.succeededFuture();
    long position = offset;
    for (int i = 0; i < CHUNKS_PER_TURN && position < bytes; i++) {
      int length = (int) Math.min(chunk, bytes - position);
      last = stream.write(slice(position, length));
      position += length;
    }
    long next = position;
    if (next >= bytes) {
      last.onComplete(v -> done.tryComplete("report of " + bytes + " bytes"));
    } else {
      last.onComplete(v -> job.vertx().runOnContext(n -> write(job, stream, next, bytes, chunk, done)));
    }
  }

  /** {@code length} bytes of the repeated pattern starting at {@code offset}. */
  static String slice(long offset, int length) {
    StringBuilder out = new StringBuilder(length);
    int start = (int) (offset % PATTERN.length());
    while (out.length() < length) {
      int take = Math.min(PATTERN.length() - start, length - out.length());
      out.append(PATTERN, start, start + take);
      start = 0;
    }
    return out.toString();
  }
}
