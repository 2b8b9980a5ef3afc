package dev.arcpgateway.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.shareddata.LocalMap;

/**
 * The sessions this node holds, so that what is sent to one of them stays on this node. In a cluster the event bus
 * may for a while still list the consumer of a node that died and held the session before this node brought it
 * back; a send to the session's address could pick that one and be lost. A live session is held by one node only,
 * so a send to a session held here never needs the cluster.
 */
public final class LocalSessions {

  private static final String MAP = "arcp.sessions.here";

  private LocalSessions() {
  }

  /** Session {@code sessionId} is now held here. */
  public static void add(Vertx vertx, String sessionId) {
    here(vertx).put(sessionId, Boolean.TRUE);
  }

  /** Session {@code sessionId} is no longer held here. */
  public static void remove(Vertx vertx, String sessionId) {
    here(vertx).remove(sessionId);
  }

  /** The options for a send to the session's address: {@link Bus#LOCAL} when it is held here. */
  public static DeliveryOptions options(Vertx vertx, String sessionId) {
    // per event and observer: without a cluster every consumer is local, and no map need be asked
    return vertx.isClustered() && here(vertx).containsKey(sessionId) ? Bus.LOCAL : Bus.OPTIONS;
  }

  private static LocalMap<String, Boolean> here(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
