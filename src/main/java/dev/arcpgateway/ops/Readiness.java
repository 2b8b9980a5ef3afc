package dev.arcpgateway.ops;

import dev.arcpgateway.store.GatewayStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether this node should get traffic ({@code /ready}): its listener is up, its store answers, it is not
 * draining, and every added check (a cluster membership, when clustered) passes. A failing check says why in a
 * fixed sentence, never with an exception's text, so that the answer carries no secrets (a database URI) and
 * no job data. The flags are set by the gateway and read on any transport event loop.
 */
public final class Readiness {

  /** A store that takes longer than this to answer counts as down. */
  static final long STORE_TIMEOUT_MS = 2_000;

  private final Supplier<GatewayStore> store;
  private final Drain drain;
  private final Map<String, Supplier<Future<Void>>> checks;
  private volatile boolean listening;

  /**
   * @param store  the store once it is open (a PostgreSQL store opens during deploy), null before
   * @param checks more checks by name; each passes when its future succeeds
   */
  public Readiness(Supplier<GatewayStore> store, Drain drain, Map<String, Supplier<Future<Void>>> checks) {
    this.store = store;
    this.drain = drain;
    this.checks = new LinkedHashMap<>(checks);
  }

  /** The ARCP listener is bound. */
  public void listening() {
    listening = true;
  }

  /** Registers the readiness procedures on {@code health}. */
  void register(HealthChecks health) {
    health.register("listener", promise -> promise.complete(listening ? Status.OK()
        : down("the ARCP listener is not bound yet")));
    health.register("store", STORE_TIMEOUT_MS, promise -> {
      GatewayStore open = store.get();
      if (open == null) {
        promise.complete(down("the store is not open yet"));
      } else {
        answer(promise, open.ping(), "the store does not answer");
      }
    });
    health.register("not-draining", promise -> promise.complete(drain.started()
        ? down("the node is draining: it finishes its running jobs and takes no new sessions") : Status.OK()));
    checks.forEach((name, check) -> health.register(name, STORE_TIMEOUT_MS,
        promise -> answer(promise, check.get(), name + " is not ready")));
  }

  private static void answer(Promise<Status> promise, Future<Void> check, String reason) {
    check.onComplete(result -> promise.tryComplete(result.succeeded() ? Status.OK() : down(reason)));
  }

  private static Status down(String reason) {
    return Status.KO(new JsonObject().put("reason", reason));
  }
}
