package dev.arcpgateway.job;

import dev.arcpgateway.auth.Audit;
import dev.arcpgateway.auth.ObservePolicy;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.bus.LocalSessions;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.store.GatewayStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Sessions attaching to a live job (§7.6): the observe policy decides (every decision audited), then the
 * subscriber gets the requested history from the job's log, the {@code subscribed} descriptor, and from then on
 * the live frames — held back while the history is read, so nothing is missed or doubled. Also the submitting
 * session's flow-control signal, which pauses the job's agent (a slow subscriber never slows the job).
 */
final class JobSubscriptions {

  private final Vertx vertx;
  private final GatewayOptions options;
  private final GatewayStore store;
  private final ObservePolicy policy;

  JobSubscriptions(Vertx vertx, GatewayOptions options, GatewayStore store, ObservePolicy policy) {
    this.vertx = vertx;
    this.options = options;
    this.store = store;
    this.policy = policy;
  }

  /**
   * {@code {session_id, principal, request_id, history, from_event_seq, lifecycle?}}; refuses as if the job did
   * not exist.
   */
  void subscribe(Job job, JsonObject body) {
    String subscriber = Fields.string(body, "principal");
    String session = Fields.string(body, "session_id");
    boolean allowed = policy.mayObserve(subscriber, job.principal);
    Audit.subscribe(subscriber, job.id, job.principal, allowed);
    if (!allowed) {
      throw ArcpException.jobNotFound(job.id);
    }
    boolean history = body.getBoolean("history", false);
    long from = Math.max(0, body.getLong("from_event_seq", 0L));
    long upTo = job.storedIndex; // frames still being stored reach the subscriber live, held while it catches up
    job.observers.catchUp(session, body.getBoolean("lifecycle", false));
    String address = Addresses.session(session);
    DeliveryOptions delivery = LocalSessions.options(vertx, session);
    Future<Integer> replay = history
        ? store.events().replay(job.id, from, upTo, frame -> vertx.eventBus().send(address, frame, delivery))
        : Future.succeededFuture(0);
    Future<JsonObject> budget = currentBudget(job);
    Future.join(replay, budget).onComplete(done -> {
      JsonObject answer = new JsonObject().put("op", "subscribed").put("job_id", job.id)
          .put("request_id", body.getString("request_id"));
      if (replay.failed()) {
        // the subscriber must not mistake a history it could not get for an empty one
        if (session.equals(job.sessionId)) {
          job.observers.caughtUp(session).forEach(frame -> vertx.eventBus().send(address, frame, delivery));
        } else {
          job.observers.remove(session);
        }
        vertx.eventBus().send(address, answer.put("error", BusErrors.report(replay.cause(),
            "job " + job.id + " history for session " + session).toPayload()), delivery);
        return;
      }
      JsonObject descriptor = job.snapshot.withStatus(job.status, Instant.now())
          .descriptor(budget.succeeded() ? budget.result() : null);
      vertx.eventBus().send(address, answer.put("descriptor", descriptor).put("replayed", replay.result()),
          delivery);
      job.observers.caughtUp(session).forEach(frame -> vertx.eventBus().send(address, frame, delivery));
    });
  }

  private Future<JsonObject> currentBudget(Job job) {
    if (!job.grant.containsKey("budget")) {
      return Future.succeededFuture(null);
    }
    return vertx.eventBus().<JsonObject>request(job.leaseAddress, new JsonObject().put("op", "budget")
            .put("job_id", job.id), Bus.localWithTimeout(options.requestTimeoutMs()))
        .map(reply -> reply.body().getJsonObject("budget"));
  }

  void unsubscribe(Job job, JsonObject body) {
    job.observers.remove(body.getString("session_id"));
  }

  /** The submitting session is (no longer) falling behind: pause (resume) the agent's event stream. */
  void throttle(Job job, JsonObject body) {
    if (!job.sessionId.equals(body.getString("session_id"))) {
      return; // slow subscribers are never allowed to slow the job for everyone else
    }
    boolean slow = body.getBoolean("slow", false);
    if (slow != job.throttled) {
      job.throttled = slow;
      if (!job.storePaused) { // while the store is behind the agent stays paused; it resumes the agent itself
        vertx.eventBus().send(Addresses.agentJob(job.id), new JsonObject().put("op", slow ? "pause" : "resume"),
            Bus.OPTIONS);
      }
    }
  }
}
