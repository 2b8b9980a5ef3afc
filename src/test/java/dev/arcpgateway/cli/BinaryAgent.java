package dev.arcpgateway.cli;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.agent.ResultStream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.Random;

/**
 * {@code binary@1.0.0}: input {@code {"bytes": N, "chunk": C, "seed": S}} → N pseudo-random bytes (every byte
 * value, so not UTF-8) streamed as base64 {@code result_chunk} events of C bytes. {@link #bytes} gives the same
 * bytes to the test.
 */
final class BinaryAgent implements Agent {

  static AgentRegistration registration() {
    return AgentRegistration.of("binary", "1.0.0", new BinaryAgent());
  }

  static byte[] bytes(int count, long seed) {
    byte[] bytes = new byte[count];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  @Override
  public Future<?> run(JobContext job) {
    int count = job.inputObject().getInteger("bytes");
    int chunk = job.inputObject().getInteger("chunk");
    byte[] bytes = bytes(count, job.inputObject().getLong("seed"));
    ResultStream stream = job.resultStream();
    Future<Void> last = Future.succeededFuture();
    for (int offset = 0; offset < count; offset += chunk) {
      last = stream.write(Buffer.buffer(Arrays.copyOfRange(bytes, offset, Math.min(count, offset + chunk))));
    }
    return last.map(v -> "binary of " + count + " bytes");
  }
}
