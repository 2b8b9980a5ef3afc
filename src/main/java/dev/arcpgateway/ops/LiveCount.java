package dev.arcpgateway.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of something all instances of a verticle hold — running jobs, open client connections — as one counter
 * they share, so that a drain can wait for the last one to go and a gauge can read it from any thread.
 */
public final class LiveCount {

  private final AtomicInteger count = new AtomicInteger();
  private volatile Promise<Void> whenNone;

  /** One more is held. */
  public void added() {
    count.incrementAndGet();
  }

  /** One is gone; whoever waits for none is told on this thread, after what the caller did before. */
  public void removed() {
    if (count.decrementAndGet() == 0) {
      Promise<Void> waiting = whenNone;
      if (waiting != null) {
        waiting.tryComplete();
      }
    }
  }

  /** How many are held now. */
  public int count() {
    return count.get();
  }

  /** Completes once none is left, at once if none is now. */
  Future<Void> none() {
    Promise<Void> promise = Promise.promise();
    whenNone = promise;
    if (count.get() == 0) {
      promise.tryComplete();
    }
    return promise.future();
  }
}
