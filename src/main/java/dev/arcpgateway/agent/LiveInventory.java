package dev.arcpgateway.agent;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * A verticle's read-only copy of the agent inventory: fetched from the registry at start, then replaced by
 * every snapshot the registry publishes. Use it from the verticle's own event loop only.
 */
public final class LiveInventory {

  private AgentInventory current = AgentInventory.EMPTY;
  private MessageConsumer<JsonObject> consumer;

  /** Subscribes to changes, then asks the registry for the snapshot that is current now. */
  public Future<Void> start(Vertx vertx) {
    consumer = vertx.eventBus().localConsumer(Addresses.AGENT_INVENTORY, message -> update(message.body()));
    return consumer.completion()
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.AGENT_REGISTRY,
            new JsonObject().put("op", "snapshot"), Bus.LOCAL))
        .map(reply -> {
          update(reply.body());
          return null;
        });
  }

  private void update(JsonObject body) {
    current = AgentInventory.fromJson(body.getJsonArray("agents"));
  }

  public AgentInventory current() {
    return current;
  }
}
