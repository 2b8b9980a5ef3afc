package dev.arcpgateway.session;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code max_sessions_per_principal} (§14): a session holds one of its principal's slots from its welcome until it
 * is closed or forgotten. The store takes a slot atomically, so hellos racing on several instances cannot all pass
 * the cap; a closed session that is resumed (§6.7) must take one again.
 */
final class SessionSlots {

  private static final System.Logger LOG = System.getLogger(SessionSlots.class.getName());

  private SessionSlots() {
  }

  /** Takes a slot for {@code sessionId}, or fails PERMISSION_DENIED; completes on the environment's loop. */
  static Future<Void> take(SessionEnvironment env, String principal, String sessionId) {
    int max = env.options().maxSessionsPerPrincipal();
    return env.onLoop(env.store().sessions().takeSlot(principal, sessionId, max)).compose(taken -> taken
        ? Future.succeededFuture()
        : Future.failedFuture(new ArcpException(ErrorCode.PERMISSION_DENIED, "principal " + principal
            + " already holds the most sessions allowed (" + max + "); close some or let them expire",
            new JsonObject().put("max_sessions_per_principal", max))));
  }

  /** Gives the slot back; the future completes (never fails) once the store answered. */
  static Future<Void> free(SessionEnvironment env, String principal, String sessionId) {
    return env.store().sessions().freeSlot(principal, sessionId).recover(failure -> {
      LOG.log(System.Logger.Level.ERROR, "could not give back the session slot of " + sessionId + " (" + principal
          + ")", failure);
      return Future.succeededFuture();
    });
  }
}
