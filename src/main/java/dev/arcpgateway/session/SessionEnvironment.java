package dev.arcpgateway.session;

import dev.arcpgateway.agent.LiveInventory;
import dev.arcpgateway.auth.Authenticator;
import dev.arcpgateway.auth.ObservePolicy;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.ops.Drain;
import dev.arcpgateway.ops.GatewayMetrics;
import dev.arcpgateway.store.GatewayStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * What the sessions of one session-verticle instance share: collaborators, settings, and the instance's table
 * of its own sessions. Used on that instance's event loop only.
 *
 * @param vertx            the Vert.x instance
 * @param context          the verticle's context (sessions run on it)
 * @param options          gateway settings
 * @param store            durable state
 * @param inventory        the instance's copy of the agent inventory
 * @param authenticator    who may open sessions
 * @param observePolicy    who may observe whose jobs
 * @param runtimeFeatures  the feature flags this runtime offers, in order
 * @param sessions         this instance's live and parked sessions by id
 * @param budget           the gateway-wide budget for buffered bytes, shared by all instances
 * @param metrics          the gateway's meters
 * @param drain            the gateway's drain: once started, no new sessions or submits
 * @param routes           how a message reaches a job on another node
 * @param submitAddress    where this lane's job runner takes submissions
 */
record SessionEnvironment(Vertx vertx, Context context, GatewayOptions options, GatewayStore store,
                          LiveInventory inventory, Authenticator authenticator, ObservePolicy observePolicy,
                          List<String> runtimeFeatures,
                          Map<String, Session> sessions, BufferBudget budget, GatewayMetrics metrics,
                          Drain drain, NodeRoutes routes, String submitAddress) {

  /** {@code result}, completed on this instance's loop: a store or authenticator may answer on any thread. */
  <T> Future<T> onLoop(Future<T> result) {
    Promise<T> onOwnLoop = Promise.promise();
    result.onComplete(done -> context.runOnContext(v -> onOwnLoop.handle(done)));
    return onOwnLoop.future();
  }
}
