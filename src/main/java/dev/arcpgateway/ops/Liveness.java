package dev.arcpgateway.ops;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the process works ({@code /health}): every event loop of the Vert.x instance runs a task within
 * {@link #TIMEOUT_MS}. A loop blocked by a stuck handler fails it, which is what a restart would cure.
 */
final class Liveness {

  static final long TIMEOUT_MS = 2_000;

  private Liveness() {
  }

  static void register(Vertx vertx, HealthChecks health) {
    health.register("event-loops", TIMEOUT_MS, promise -> {
      Context caller = vertx.getOrCreateContext(); // the answer is written from the request's own loop
      List<EventExecutor> loops = new ArrayList<>();
      ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
      AtomicInteger waiting = new AtomicInteger(loops.size());
      JsonObject data = new JsonObject().put("event_loops", loops.size());
      for (EventExecutor loop : loops) {
        loop.execute(() -> {
          if (waiting.decrementAndGet() == 0) {
            caller.runOnContext(v -> promise.tryComplete(Status.OK(data)));
          }
        });
      }
    });
  }
}
