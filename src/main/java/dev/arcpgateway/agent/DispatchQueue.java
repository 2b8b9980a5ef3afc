package dev.arcpgateway.agent;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.ops.LiveCount;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dispatches one agent's host took while every slot was busy — a Java agent's {@link AgentHostVerticle} and
 * the bridge's agent processes alike — waiting in order for a slot, at most {@code limits.agent_queue_max} of them
 * (beyond that a dispatch is refused, retryable). The job runner's dispatch timeout ({@code
 * limits.request_timeout_ms}) bounds how long one waits. Each waiting job's orders are heard from the moment it
 * waits, so a job that ends meanwhile (cancelled, timed out) leaves the queue and is never started; the host that
 * takes a job from the queue takes that consumer too and gives it its own handler, so no order falls between two
 * consumers. Waiting jobs count as hosted: a drain waits for them. Owned by the host's event loop.
 *
 * <p>A job's end can overtake its dispatch: the job runner tells a job's agent that it ended by a send to the
 * job's order address, and while the dispatch is still on its way to the host nobody listens there yet. So a job
 * that is to wait tells its owner it waits ({@code waiting}, with this node) once its orders are heard: a job that
 * ended already finds its address gone and leaves the queue; a live one's owner now sends its orders here, across
 * nodes too.
 */
public final class DispatchQueue {

  /** A dispatch waiting for a slot, and the consumer of its job's orders. */
  public static final class Waiting {
    private final Message<JsonObject> dispatch;
    private final MessageConsumer<JsonObject> orders;
    /** The job runner paused the job's events while it waited (its client falls behind). */
    private boolean paused;

    private Waiting(Message<JsonObject> dispatch, MessageConsumer<JsonObject> orders) {
      this.dispatch = dispatch;
      this.orders = orders;
    }

    public Message<JsonObject> dispatch() {
      return dispatch;
    }

    public String jobId() {
      return dispatch.body().getString("job_id");
    }

    /** Whether the job starts paused: its host pauses the agent's events before they flow. */
    public boolean paused() {
      return paused;
    }

    /** The job's orders go to {@code handler} from now on (the consumer stays registered). */
    public MessageConsumer<JsonObject> ordersTo(Handler<Message<JsonObject>> handler) {
      return orders.handler(handler);
    }
  }

  private final Vertx vertx;
  private final NodeRoutes routes;
  private final String agent;
  private final int limit;
  private final LiveCount hostedJobs;
  private final Map<String, Waiting> waiting = new LinkedHashMap<>();

  /**
   * @param agent      {@code name@version}, for the refusal's message
   * @param limit      how many dispatches may wait at once
   * @param hostedJobs counts the waiting jobs with the host's running ones, for a drain
   */
  public DispatchQueue(Vertx vertx, NodeRoutes routes, String agent, int limit, LiveCount hostedJobs) {
    this.vertx = vertx;
    this.routes = routes;
    this.agent = agent;
    this.limit = limit;
    this.hostedJobs = hostedJobs;
  }

  /**
   * The dispatch waits its turn, or is refused when {@code limit} already wait for a slot beyond the {@code
   * freeSlots} the host has now. Completes once the job's orders are heard here (then the host may start it);
   * fails when refused.
   */
  public Future<Void> offer(Message<JsonObject> dispatch, int maxConcurrent, int freeSlots) {
    if (waiting.size() >= (long) limit + freeSlots) {
      ArcpException full = new ArcpException(ErrorCode.AGENT_NOT_AVAILABLE, agent + " is running its maximum of "
          + maxConcurrent + " jobs and " + waiting.size() + " more are waiting; try again later", true,
          new JsonObject().put("max_concurrent", maxConcurrent).put("waiting", waiting.size()));
      BusErrors.fail(dispatch, full);
      return Future.failedFuture(full);
    }
    String jobId = dispatch.body().getString("job_id");
    MessageConsumer<JsonObject> orders = vertx.eventBus().localConsumer(Addresses.agentJob(jobId),
        order -> onOrderWhileWaiting(jobId, order.body()));
    waiting.put(jobId, new Waiting(dispatch, orders));
    hostedJobs.added();
    return orders.completion().onSuccess(heard -> {
      if (waiting.size() > freeSlots) {
        tellOwnerItWaits(jobId, dispatch.body().getString("node"));
      }
    });
  }

  private void tellOwnerItWaits(String jobId, String owner) {
    JsonObject waits = new JsonObject().put("op", "waiting").put("node", routes.self());
    routes.request(owner, Addresses.job(jobId), waits, Bus.OPTIONS).onFailure(failure -> {
      // gone, or refused as ended; a slow answer leaves the job waiting, as long as its dispatch may wait
      if (BusErrors.noHandlers(failure) || failure instanceof ReplyException reply
          && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        leave(jobId);
      }
    });
  }

  public boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** The longest waiting dispatch, now the caller's to start (still counted as hosted), or null. */
  public Waiting poll() {
    Iterator<Waiting> first = waiting.values().iterator();
    if (!first.hasNext()) {
      return null;
    }
    Waiting next = first.next();
    first.remove();
    return next;
  }

  /** Every waiting dispatch fails with {@code error} (nothing is left to run them). */
  public void failAll(ArcpException error) {
    for (Waiting job : waiting.values()) {
      job.orders.unregister();
      hostedJobs.removed();
      BusErrors.fail(job.dispatch, error);
    }
    waiting.clear();
  }

  /**
   * A job that ended while it waited leaves the queue; its dispatch is answered, so the job runner's request
   * does not linger until it times out.
   */
  private void leave(String jobId) {
    Waiting job = waiting.remove(jobId);
    if (job == null) {
      return;
    }
    job.orders.unregister();
    hostedJobs.removed();
    BusErrors.fail(job.dispatch, new ArcpException(ErrorCode.CANCELLED, "job " + jobId
        + " ended before " + agent + " took it"));
  }

  /** A waiting job hears its end (cancel, or ended after its dispatch timed out) or its pacing, nothing else. */
  private void onOrderWhileWaiting(String jobId, JsonObject order) {
    Waiting job = waiting.get(jobId);
    if (job == null) {
      return;
    }
    switch (order.getString("op", "")) {
      case "pause" -> job.paused = true;
      case "resume" -> job.paused = false;
      case "cancel", "ended" -> leave(jobId);
      default -> {
        // nothing else is sent to a job no agent has taken
      }
    }
  }
}
