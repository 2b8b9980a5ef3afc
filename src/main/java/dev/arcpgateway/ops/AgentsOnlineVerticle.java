package dev.arcpgateway.ops;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Keeps the agents-online gauge current: counts the agent versions of every inventory the registry publishes. */
public final class AgentsOnlineVerticle extends VerticleBase {

  private final GatewayMetrics metrics;

  public AgentsOnlineVerticle(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.AGENT_INVENTORY, message -> count(message.body()))
        .completion()
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.AGENT_REGISTRY,
            new JsonObject().put("op", "snapshot"), Bus.LOCAL))
        .onSuccess(reply -> count(reply.body()));
  }

  private void count(JsonObject inventory) {
    int versions = 0;
    for (Object agent : inventory.getJsonArray("agents", new JsonArray())) {
      if (agent instanceof JsonObject entry) {
        versions += entry.getJsonArray("versions", new JsonArray()).size();
      }
    }
    metrics.agentsOnline(versions);
  }
}
