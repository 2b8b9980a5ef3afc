package dev.arcpgateway.lane;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One lane: one event loop's share of the gateway. Its verticles (a lease, agent hosts, a job runner, a session
 * and a transport verticle) are deployed on the lane's own context, so they all run on one thread. A connection
 * accepted by the lane's transport gets its session here, the session's jobs run here, their leases are held
 * here and their in-process agents run here: the messages between them never wake another thread. Each verticle
 * still owns its state and is reached only through the event bus.
 *
 * <p>The verticles start in the order given, each once the one before it has started, and stop in the reverse
 * order. If one fails to start, those already started are stopped and the lane fails to deploy.
 */
public final class LaneVerticle extends VerticleBase {

  private final List<Deployable> verticles;
  private final Deque<Deployable> started = new ArrayDeque<>();

  /** @param verticles what runs in this lane, in start order */
  public LaneVerticle(List<? extends Deployable> verticles) {
    this.verticles = List.copyOf(verticles);
  }

  @Override
  public Future<?> start() {
    Future<?> chain = Future.succeededFuture();
    for (Deployable verticle : verticles) {
      chain = chain.compose(v -> deploy(verticle));
    }
    return chain.recover(failure -> stopStarted().transform(ignored -> Future.failedFuture(failure)));
  }

  @Override
  public Future<?> stop() {
    return stopStarted();
  }

  private Future<?> deploy(Deployable verticle) {
    try {
      return verticle.deploy(context).onSuccess(v -> started.push(verticle));
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /** Stops what started, last first; one that fails to stop does not keep the others running. */
  private Future<?> stopStarted() {
    Future<?> chain = Future.succeededFuture();
    while (!started.isEmpty()) {
      Deployable verticle = started.pop();
      chain = chain.transform(ignored -> {
        try {
          return verticle.undeploy(context);
        } catch (Exception e) {
          return Future.failedFuture(e);
        }
      });
    }
    return chain;
  }
}
