package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.JobContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * {@code slow}: input {@code {"seconds": S}} → a {@code progress} event about every 100 ms (milliseconds
 * elapsed of the total) until S seconds passed, then {@code {"slept": S}}; stops when cancelled.
 */
public final class SlowAgent implements Agent {

  private static final long TICK_MS = 100;

  @Override
  public Future<?> run(JobContext job) {
    Object raw = job.inputObject().getValue("seconds", 1);
    if (!(raw instanceof Number seconds) || seconds.doubleValue() < 0 || seconds.doubleValue() > 86_400) {
      return Future.failedFuture(dev.arcpgateway.protocol.ArcpException.invalid("seconds must be 0 to 86400"));
    }
    long totalMs = (long) (seconds.doubleValue() * 1000);
    long start = System.nanoTime();
    Promise<Object> done = Promise.promise();
    long timer = job.vertx().setPeriodic(TICK_MS, TICK_MS, id -> {
      long elapsed = Math.min(totalMs, (System.nanoTime() - start) / 1_000_000);
      if (elapsed >= totalMs) {
        job.vertx().cancelTimer(id);
        done.tryComplete(new JsonObject().put("slept", seconds));
      } else {
        job.progress(elapsed, totalMs, "ms", "sleeping");
      }
    });
    if (totalMs == 0) {
      job.vertx().cancelTimer(timer);
      done.tryComplete(new JsonObject().put("slept", new BigDecimal(raw.toString())));
    }
    job.whenCancelled().onComplete(v -> {
      job.vertx().cancelTimer(timer);
      done.tryFail("cancelled");
    });
    return done.future();
  }
}
