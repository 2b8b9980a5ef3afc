package dev.arcpgateway.ops;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The graceful end of a node: it turns not-ready and refuses new sessions and submits (sessions read
 * {@link #started()}), hands over (its agents take no more jobs, so in a cluster the other nodes' jobs go to their
 * own agents: {@link HandOver}), lets running jobs finish up to the drain timeout — those its job runners run and
 * those its agents run for other nodes — ends the rest with a retryable INTERNAL_ERROR, then has every session send
 * {@code session.closed} and close its socket with 1001 (going away), and completes once the clients' sockets are
 * closed (or a short grace passed). The node leaves the cluster after that, when its Vert.x closes.
 *
 * <p>Each step waits for an event — the last job gone, the last socket closed — not for time; the job runners
 * and sessions hear the orders on {@link Addresses#DRAIN}. A job's terminal frame is sent before it counts as
 * gone, and the order to close sessions is sent after that on the same thread, so a client gets its job's last
 * frame before {@code session.closed}.
 */
public final class Drain {

  /** Jobs told to end have this long to send their job.error. */
  static final long END_GRACE_MS = 5_000;
  /** Clients have this long to answer the close handshake. */
  static final long CLOSE_GRACE_MS = 5_000;

  private final LiveCount runningJobs;
  private final LiveCount hostedJobs;
  private final LiveCount openConnections;
  private final List<HandOver> handOvers = new CopyOnWriteArrayList<>();
  private volatile boolean started;
  private Future<Void> handedOver;
  private Future<Void> outcome;

  /**
   * @param runningJobs     the jobs this node's job runners run
   * @param hostedJobs      the jobs this node's agents (Java and bridged) run, whoever submitted them
   * @param openConnections the clients' connections
   */
  public Drain(LiveCount runningJobs, LiveCount hostedJobs, LiveCount openConnections) {
    this.runningJobs = runningJobs;
    this.hostedJobs = hostedJobs;
    this.openConnections = openConnections;
  }

  /** Adds what stops taking jobs when the drain starts; returns it. */
  public <T extends HandOver> T handsOver(T handOver) {
    handOvers.add(handOver);
    return handOver;
  }

  /** True from the moment the drain starts: no new sessions, no new submits, not ready. */
  public boolean started() {
    return started;
  }

  /** Drains once; later calls get the same outcome. */
  public synchronized Future<Void> run(Vertx vertx, long timeoutMs) {
    if (outcome != null) {
      return outcome;
    }
    started = true;
    handedOver = Future.join(handOvers.stream().map(HandOver::handOver).toList()).mapEmpty();
    outcome = handedOver.transform(done -> within(vertx, Future.all(runningJobs.none(), hostedJobs.none())
            .mapEmpty(), timeoutMs))
        .compose(finished -> {
          if (finished) {
            return Future.succeededFuture(true);
          }
          vertx.eventBus().publish(Addresses.DRAIN, new JsonObject().put("op", "end_jobs"), Bus.LOCAL);
          return within(vertx, runningJobs.none(), END_GRACE_MS);
        })
        .compose(ended -> {
          vertx.eventBus().publish(Addresses.DRAIN, new JsonObject().put("op", "close_sessions"), Bus.LOCAL);
          return within(vertx, openConnections.none(), CLOSE_GRACE_MS);
        })
        .mapEmpty();
    return outcome;
  }

  /**
   * Completes once this node takes no more jobs from the cluster (its agents handed over), after {@link #run}
   * started; null before.
   */
  public synchronized Future<Void> handedOver() {
    return handedOver;
  }

  /** True once {@code event} happened, false when {@code timeoutMs} passed first. */
  private static Future<Boolean> within(Vertx vertx, Future<Void> event, long timeoutMs) {
    Promise<Boolean> promise = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> promise.tryComplete(false));
    event.onSuccess(v -> {
      vertx.cancelTimer(timer);
      promise.tryComplete(true);
    });
    return promise.future();
  }
}
