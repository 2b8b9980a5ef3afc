package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code delegator}: input {@code {"agent", "input", "lease_request", "lease_constraints"}} → delegates that job
 * under a subset of its own lease and answers {@code {"result": <child's result>}} or
 * {@code {"error": <the child's or the refusal's error>}}.
 */
public final class DelegatorAgent implements Agent {

  @Override
  public Future<?> run(JobContext job) {
    JsonObject input = job.inputObject();
    String agent = input.getString("agent");
    if (agent == null) {
      return Future.failedFuture(ArcpException.invalid("delegator needs input.agent"));
    }
    return job.delegate(agent, input.getValue("input"), input.getJsonObject("lease_request"),
            input.getJsonObject("lease_constraints"))
        .map(result -> new JsonObject().put("result", result))
        .recover(error -> Future.succeededFuture(new JsonObject().put("error", ArcpException.from(error).toPayload())));
  }
}
