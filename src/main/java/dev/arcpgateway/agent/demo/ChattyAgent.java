package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.JobContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * {@code chatty}: input {@code {"count": N, "size": B}} → N {@code log} events whose message is about B bytes,
 * then {@code {"count": N}}. Emits in batches, waiting for the gateway to take each batch, so a slow client
 * slows this job instead of filling memory.
 */
public final class ChattyAgent implements Agent {

  private static final int BATCH = 256;

  @Override
  public Future<?> run(JobContext job) {
    JsonObject input = job.inputObject();
    long count = DemoInput.count(input, "count", 10, 100_000_000);
    int size = (int) DemoInput.count(input, "size", 64, 1_000_000);
    String padding = "x".repeat(Math.max(0, size - 16));
    Promise<Object> done = Promise.promise();
    emit(job, 0, count, padding, done);
    return done.future();
  }

  private void emit(JobContext job, long from, long count, String padding, Promise<Object> done) {
    if (job.isCancelled()) {
      done.tryFail("cancelled");
      return;
    }
    long to = Math.min(count, from + BATCH);
    Future<Void> last = Future.succeededFuture();
    for (long i = from; i < to; i++) {
      last = job.log("info", "event " + i + " " + padding);
    }
    if (to == count) {
      last.onComplete(v -> done.tryComplete(new JsonObject().put("count", count)));
    } else {
      last.onComplete(v -> job.vertx().runOnContext(n -> emit(job, to, count, padding, done)));
    }
  }
}
