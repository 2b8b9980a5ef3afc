package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.JobContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code echo}: answers {@code {"input": <input>, "version": "<resolved version>"}}. */
public final class EchoAgent implements Agent {

  @Override
  public Future<?> run(JobContext job) {
    return Future.succeededFuture(new JsonObject().put("input", job.input()).put("version", job.agentVersion()));
  }
}
