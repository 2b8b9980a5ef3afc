package dev.arcpgateway.testing;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Java agents that exercise the lease from inside a job, for the §9/§10 conformance tests. Each reports what the
 * gateway answered in its result, so the tests read everything off the wire. Outcomes are {@code "ok"} or the
 * ARCP error code.
 */
public final class LeaseAgents {

  private LeaseAgents() {
  }

  /** Every agent of this class, all version 1.0.0. */
  public static List<AgentRegistration> all() {
    return List.of(
        AgentRegistration.of("metered", "1.0.0", LeaseAgents::metered),
        AgentRegistration.of("burst", "1.0.0", LeaseAgents::burst),
        AgentRegistration.of("paced", "1.0.0", LeaseAgents::paced),
        AgentRegistration.of("modeler", "1.0.0", LeaseAgents::modeler),
        AgentRegistration.of("holder", "1.0.0", LeaseAgents::holder),
        AgentRegistration.of("twice", "1.0.0", LeaseAgents::twice));
  }

  static String outcome(AsyncResult<?> result) {
    return result.succeeded() ? "ok" : ArcpException.from(result.cause()).code().name();
  }

  /**
   * {@code metered}: input {@code {"metrics": [{name, value, unit}], "authorize": [capability, resource]?}} →
   * emits each metric in turn (awaiting each future), then asks for the authorization, if any. Result
   * {@code {"metrics": [outcome…], "authorize": outcome|null}}. A last round trip through the lease (outcome
   * ignored) makes every charge answer arrive before the result.
   */
  static Future<?> metered(JobContext job) {
    JsonObject input = job.inputObject();
    JsonArray outcomes = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (Object item : input.getJsonArray("metrics", new JsonArray())) {
      JsonObject metric = (JsonObject) item;
      chain = chain.compose(v -> job.metric(metric.getString("name"), (Number) metric.getValue("value"),
          metric.getString("unit"), null).transform(done -> {
            outcomes.add(outcome(done));
            return Future.succeededFuture();
          }));
    }
    JsonObject result = new JsonObject().put("metrics", outcomes).putNull("authorize");
    JsonArray authorize = input.getJsonArray("authorize");
    if (authorize != null) {
      chain = chain.compose(v -> job.authorize(authorize.getString(0), authorize.getString(1)).transform(done -> {
        result.put("authorize", outcome(done));
        return Future.succeededFuture();
      }));
    }
    return chain.compose(v -> job.authorize("x-vendor.tests.settle", "settle").transform(ignored ->
        Future.succeededFuture(result)));
  }

  /**
   * {@code burst}: input {@code {"count", "value", "unit"}} → fires {@code count} {@code cost.burst} metrics without
   * waiting for any, then asks for {@code tool.call search}. Result {@code {"sent", "authorize": outcome}}.
   */
  static Future<?> burst(JobContext job) {
    JsonObject input = job.inputObject();
    int count = input.getInteger("count", 100);
    Number value = (Number) input.getValue("value", 0.01);
    String unit = input.getString("unit", "USD");
    for (int i = 0; i < count; i++) {
      job.metric("cost.burst", value, unit, null);
    }
    return job.authorize("tool.call", "search").transform(done ->
        Future.succeededFuture(new JsonObject().put("sent", count).put("authorize", outcome(done))));
  }

  /**
   * {@code paced}: input {@code {"steps", "delay_ms"}} → calls the tool {@code search} through the lease up to
   * {@code steps} times, each call taking {@code delay_ms}; stops at the first refusal. Result
   * {@code {"steps": ran, "stopped": "completed" | code}}.
   */
  static Future<?> paced(JobContext job) {
    JsonObject input = job.inputObject();
    int steps = input.getInteger("steps", 3);
    long delay = input.getLong("delay_ms", 100L);
    Promise<Object> done = Promise.promise();
    pacedStep(job, 0, steps, delay, done);
    return done.future();
  }

  private static void pacedStep(JobContext job, int ran, int steps, long delay, Promise<Object> done) {
    if (ran == steps) {
      done.tryComplete(new JsonObject().put("steps", ran).put("stopped", "completed"));
      return;
    }
    job.callTool("search", new JsonObject().put("step", ran + 1), args -> {
      Promise<Object> result = Promise.promise();
      job.vertx().setTimer(Math.max(1, delay), t -> result.complete(new JsonObject().put("hits", 1)));
      return result.future();
    }).onComplete(called -> {
      if (called.succeeded()) {
        pacedStep(job, ran + 1, steps, delay, done);
      } else {
        done.tryComplete(new JsonObject().put("steps", ran).put("stopped", outcome(called)));
      }
    });
  }

  /**
   * {@code modeler}: input {@code {"models": [...]}} → asks for {@code model.use} on each in turn. Result
   * {@code {"allowed": [...], "denied": [{"model", "code"}]}}.
   */
  static Future<?> modeler(JobContext job) {
    JsonArray allowed = new JsonArray();
    JsonArray denied = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (Object model : job.inputObject().getJsonArray("models", new JsonArray())) {
      String name = String.valueOf(model);
      chain = chain.compose(v -> job.useModel(name).transform(done -> {
        if (done.succeeded()) {
          allowed.add(name);
        } else {
          denied.add(new JsonObject().put("model", name).put("code", outcome(done)));
        }
        return Future.succeededFuture();
      }));
    }
    return chain.map(v -> new JsonObject().put("allowed", allowed).put("denied", denied));
  }

  /** Delegates as {@code spec} says ({@code agent, input, lease_request, lease_constraints}). */
  static Future<JsonObject> delegate(JobContext job, JsonObject spec) {
    return job.delegate(spec.getString("agent"), spec.getValue("input"), spec.getJsonObject("lease_request"),
            spec.getJsonObject("lease_constraints"))
        .map(result -> new JsonObject().put("result", result))
        .recover(error -> Future.succeededFuture(new JsonObject()
            .put("error", ArcpException.from(error).toPayload())));
  }

  /**
   * {@code holder}: input as the {@code delegator} demo agent's → delegates, then emits a {@code status} event
   * with phase {@code child_done} and keeps the job running until it is cancelled (or {@code hold_ms}, default
   * 20 s, passed). Result: the delegation's outcome.
   */
  static Future<?> holder(JobContext job) {
    JsonObject input = job.inputObject();
    long hold = input.getLong("hold_ms", 20_000L);
    return delegate(job, input).compose(outcome -> job.status("child_done", null).compose(v -> {
      Promise<Object> done = Promise.promise();
      long timer = job.vertx().setTimer(hold, t -> done.tryComplete(outcome));
      job.whenCancelled().onComplete(c -> {
        job.vertx().cancelTimer(timer);
        done.tryComplete(outcome);
      });
      return done.future();
    }));
  }

  /**
   * {@code twice}: input {@code {"first": spec, "second": spec}} → delegates the first, waits for its outcome, then
   * the second. Result {@code {"first": outcome, "second": outcome}}.
   */
  static Future<?> twice(JobContext job) {
    JsonObject input = job.inputObject();
    List<JsonObject> outcomes = new ArrayList<>();
    return delegate(job, input.getJsonObject("first"))
        .compose(first -> {
          outcomes.add(first);
          return delegate(job, input.getJsonObject("second"));
        })
        .map(second -> new JsonObject().put("first", outcomes.get(0)).put("second", second));
  }
}
