package dev.arcpgateway.cluster;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * This node's mailbox in a cluster ({@link Addresses#node}): takes what other nodes send to one of this node's
 * job addresses ({@link NodeRoutes}) and delivers it there, node-local, passing the answer or the failure back.
 * A message for a job this node no longer has is dropped, or its request fails as NO_HANDLERS would.
 */
public final class NodeMailboxVerticle extends VerticleBase {

  /** How a request passed on here goes: node-local, waiting for its answer as long as any request may. */
  private final DeliveryOptions local;

  /** @param requestTimeoutMs how long a request passed on here may wait for its answer */
  public NodeMailboxVerticle(long requestTimeoutMs) {
    this.local = Bus.localWithTimeout(requestTimeoutMs);
  }

  @Override
  public Future<?> start() {
    String self = ClusterMembership.of(vertx).nodeId();
    return vertx.eventBus().<JsonObject>consumer(Addresses.node(self), this::deliver).completion();
  }

  private void deliver(Message<JsonObject> message) {
    String to = message.headers().get(NodeRoutes.TO);
    if (to == null) {
      return; // nothing else is sent here
    }
    if (message.replyAddress() == null) {
      vertx.eventBus().send(to, message.body(), Bus.LOCAL);
    } else {
      NodeRoutes.answer(message, vertx.eventBus().request(to, message.body(), local));
    }
  }
}
