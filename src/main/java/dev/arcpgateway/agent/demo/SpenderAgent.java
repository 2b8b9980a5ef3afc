package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

/**
 * {@code spender}: input {@code {"steps": N, "cost": X, "currency": "USD"}} → per step, calls the tool
 * {@code search} through the lease and reports cost X as a {@code cost.search} metric; stops at the first refusal
 * (budget exhausted, lease expired, tool not granted). Result {@code {"steps": ran, "stopped": "completed" |
 * "<ERROR_CODE>"}}.
 */
public final class SpenderAgent implements Agent {

  @Override
  public Future<?> run(JobContext job) {
    JsonObject input = job.inputObject();
    long steps = DemoInput.count(input, "steps", 3, 1_000_000);
    Number cost = input.getValue("cost") instanceof Number n ? n : 0.10;
    String currency = input.getString("currency", "USD");
    Promise<Object> done = Promise.promise();
    step(job, 0, steps, cost, currency, done);
    return done.future();
  }

  private void step(JobContext job, long ran, long steps, Number cost, String currency, Promise<Object> done) {
    if (ran == steps) {
      done.tryComplete(new JsonObject().put("steps", ran).put("stopped", "completed"));
      return;
    }
    job.callTool("search", new JsonObject().put("query", "step " + (ran + 1)),
            args -> Future.succeededFuture(new JsonObject().put("hits", 3)))
        .compose(result -> job.metric("cost.search", cost, currency, null))
        .onSuccess(v -> step(job, ran + 1, steps, cost, currency, done))
        .onFailure(refused -> done.tryComplete(new JsonObject().put("steps", ran)
            .put("stopped", ArcpException.from(refused).code().name())));
  }
}
