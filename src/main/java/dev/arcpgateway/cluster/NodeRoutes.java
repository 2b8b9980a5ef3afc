package dev.arcpgateway.cluster;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * How a message reaches a job's address on another node. A job's addresses ({@link Addresses#job}, {@link
 * Addresses#agentJob}) are node-local consumers, since a clustered consumer per job costs the cluster manager
 * several operations, serialized per event loop, on every job's path; what crosses nodes goes to the other node's
 * mailbox ({@link Addresses#node}, served by {@link NodeMailboxVerticle}) with the address in a header, and its
 * answer, or its failure, comes back the same way. Without a cluster every route is the local event bus.
 */
public final class NodeRoutes {

  /** The header naming the node-local address a mailbox message is for. */
  static final String TO = "arcp-to";

  private final Vertx vertx;
  private final ClusterMembership membership;

  private NodeRoutes(Vertx vertx, ClusterMembership membership) {
    this.vertx = vertx;
    this.membership = membership;
  }

  public static NodeRoutes of(Vertx vertx) {
    return new NodeRoutes(vertx, ClusterMembership.of(vertx));
  }

  /** This node's id in a cluster (what a dispatch and its answer carry), or null alone. */
  public String self() {
    return membership.clustered() ? membership.nodeId() : null;
  }

  /** Whether {@code node} is another node of the cluster than this one. */
  public boolean remote(String node) {
    return node != null && membership.clustered() && !node.equals(membership.nodeId());
  }

  /** Sends {@code body} to {@code address} on {@code node} (here when it is this node or null). */
  public void send(String node, String address, JsonObject body) {
    if (remote(node)) {
      vertx.eventBus().send(Addresses.node(node), body, via(address, Bus.OPTIONS));
    } else {
      vertx.eventBus().send(address, body, Bus.OPTIONS);
    }
  }

  /** A request to {@code address} on {@code node} (here when it is this node or null). */
  public Future<Message<JsonObject>> request(String node, String address, JsonObject body,
                                             DeliveryOptions options) {
    if (remote(node)) {
      return vertx.eventBus().request(Addresses.node(node), body, via(address, options));
    }
    return vertx.eventBus().request(address, body, options);
  }

  /**
   * A request to {@code address} wherever it is consumed: here first, then, when nobody here does, on each other
   * node in turn. For the rare message whose sender cannot know the job's node (a client's cancel or subscribe
   * for a job another node runs); it fails as a local request would when no node consumes it.
   */
  public Future<Message<JsonObject>> requestAnywhere(String address, JsonObject body, DeliveryOptions options) {
    Future<Message<JsonObject>> here = vertx.eventBus().request(address, body, options);
    if (!membership.clustered()) {
      return here;
    }
    List<String> others = new ArrayList<>(membership.nodes());
    others.remove(membership.nodeId());
    return here.recover(failure -> nextNode(others, 0, address, body, options, failure));
  }

  private Future<Message<JsonObject>> nextNode(List<String> nodes, int index, String address, JsonObject body,
                                               DeliveryOptions options, Throwable failure) {
    if (!BusErrors.noHandlers(failure) || index == nodes.size()) {
      return Future.failedFuture(failure);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.node(nodes.get(index)), body, via(address, options))
        .recover(next -> nextNode(nodes, index + 1, address, body, options, next));
  }

  /**
   * Sends {@code body} to {@code address} wherever it is consumed, as {@link #requestAnywhere} finds it (in a
   * cluster as a request whose answer nobody reads; without one a plain send).
   */
  public void sendAnywhere(String address, JsonObject body, DeliveryOptions options) {
    if (membership.clustered()) {
      requestAnywhere(address, body, options);
    } else {
      vertx.eventBus().send(address, body, options);
    }
  }

  /** Sends {@code body} to {@code address} here and on every other node: whoever consumes it gets it. */
  public void sendEverywhere(String address, JsonObject body) {
    vertx.eventBus().send(address, body, Bus.OPTIONS);
    if (membership.clustered()) {
      for (String node : membership.nodes()) {
        if (!node.equals(membership.nodeId())) {
          vertx.eventBus().send(Addresses.node(node), body, via(address, Bus.OPTIONS));
        }
      }
    }
  }

  /**
   * A node-local consumer of {@code address} here that passes every message on to {@code address} on {@code
   * node}, answers included: for senders that only know the address (an agent process behind the bridge, the job
   * runner's orders to an agent on another node). It unregisters itself once it passed on a message that is
   * {@code last}; its owner may unregister it sooner.
   */
  public MessageConsumer<JsonObject> relay(String address, String node, Predicate<JsonObject> last) {
    MessageConsumer<JsonObject> relay = vertx.eventBus().localConsumer(address);
    relay.handler(message -> {
      if (message.replyAddress() == null) {
        send(node, address, message.body());
      } else {
        answer(message, request(node, address, message.body(), Bus.OPTIONS));
      }
      if (last.test(message.body())) {
        relay.unregister();
      }
    });
    return relay;
  }

  /**
   * Answers {@code message} with what a request passed on got: its answer, or its failure keeping what it means
   * (an ARCP error, nobody consuming the address).
   */
  static void answer(Message<?> message, Future<Message<JsonObject>> passedOn) {
    passedOn.onSuccess(answer -> message.reply(answer.body(), Bus.OPTIONS))
        .onFailure(failure -> passOnFailure(message, failure));
  }

  private static void passOnFailure(Message<?> message, Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (BusErrors.noHandlers(reply)) {
        message.fail(BusErrors.NO_HANDLERS_THERE, "no handler for " + message.address() + " there");
      } else {
        message.fail(reply.failureCode(), reply.getMessage());
      }
    } else {
      BusErrors.fail(message, failure);
    }
  }

  private static DeliveryOptions via(String address, DeliveryOptions options) {
    return new DeliveryOptions(options).setHeaders(MultiMap.caseInsensitiveMultiMap().add(TO, address));
  }
}
