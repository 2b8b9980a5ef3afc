package dev.arcpgateway.agent.bridge;

import dev.arcpgateway.agent.DispatchQueue;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.job.AgentOps;
import dev.arcpgateway.ops.LiveCount;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code name@version} served by agent processes: takes the job runner's dispatches on
 * {@link Addresses#agent(String, String)}, hands each to the next process with room (round robin, respecting each
 * process's max concurrent jobs), and relays the job's orders (cancel, pause, resume, delegation results) to that
 * process's inbox. Dispatches wait in a {@link DispatchQueue} while every process is busy, as they do for a
 * Java agent: at most {@code limits.agent_queue_max}, each at most {@code limits.request_timeout_ms}, and a job
 * that ends while waiting is never dispatched.
 */
final class BridgedAgent {

  private final Vertx vertx;
  private final String name;
  private final String version;
  private final int heartbeatSec;
  private final List<Provider> providers = new ArrayList<>();
  private final DispatchQueue queue;
  private final NodeRoutes routes;
  private final Map<String, Running> running = new HashMap<>();
  private final LiveCount hostedJobs;
  private MessageConsumer<JsonObject> consumer;
  /** Handed over (a drain): no more dispatches are taken, the running jobs go on. */
  private boolean handedOver;
  private int next;

  private record Provider(BridgeConnection connection, int maxConcurrent) {
    int load(Map<String, Running> running) {
      int n = 0;
      for (Running job : running.values()) {
        if (job.provider == this) {
          n++;
        }
      }
      return n;
    }

    boolean hasRoom(Map<String, Running> running) {
      return maxConcurrent <= 0 || load(running) < maxConcurrent;
    }
  }

  private static final class Running {
    final Provider provider;
    final MessageConsumer<JsonObject> orders;
    /** Passes what the process sends for the job on to the job runner's node when that is another, or null. */
    final MessageConsumer<JsonObject> toOwner;

    Running(Provider provider, MessageConsumer<JsonObject> orders, MessageConsumer<JsonObject> toOwner) {
      this.provider = provider;
      this.orders = orders;
      this.toOwner = toOwner;
    }

    void unregister() {
      orders.unregister();
      if (toOwner != null) {
        toOwner.unregister();
      }
    }
  }

  BridgedAgent(Vertx vertx, NodeRoutes routes, String name, String version, int heartbeatSec, int queueMax,
               LiveCount hostedJobs) {
    this.vertx = vertx;
    this.name = name;
    this.version = version;
    this.heartbeatSec = heartbeatSec;
    this.hostedJobs = hostedJobs;
    this.routes = routes;
    this.queue = new DispatchQueue(vertx, routes, name + "@" + version, queueMax, hostedJobs);
  }

  String ref() {
    return name + "@" + version;
  }

  void addProvider(BridgeConnection connection, int maxConcurrent) {
    providers.removeIf(p -> p.connection == connection);
    providers.add(new Provider(connection, maxConcurrent));
    if (consumer == null && !handedOver) {
      consumer = vertx.eventBus().consumer(Addresses.agent(name, version), this::onDispatch);
    }
    drain();
  }

  /** Removes a process; true when none is left. */
  boolean removeProvider(BridgeConnection connection) {
    providers.removeIf(p -> p.connection == connection);
    running.values().removeIf(job -> {
      if (job.provider.connection == connection) {
        job.unregister(); // the bridge told the job's owner itself
        hostedJobs.removed();
        return true;
      }
      return false;
    });
    if (providers.isEmpty()) {
      if (consumer != null) {
        consumer.unregister();
        consumer = null;
      }
      queue.failAll(new ArcpException(ErrorCode.AGENT_NOT_AVAILABLE, "every process serving " + ref() + " left"));
      return true;
    }
    return false;
  }

  /** Every dispatch waits its turn, even when a process has room: the queue hears the job's orders meanwhile. */
  private void onDispatch(Message<JsonObject> dispatch) {
    int slots = 0;
    long free = 0;
    for (Provider provider : providers) {
      slots += provider.maxConcurrent;
      free += provider.maxConcurrent <= 0 ? Integer.MAX_VALUE : Math.max(0, provider.maxConcurrent
          - provider.load(running));
    }
    queue.offer(dispatch, slots, (int) Math.min(free, Integer.MAX_VALUE)).onSuccess(waiting -> drain());
  }

  private void onOrder(String jobId, JsonObject order) {
    Running job = running.get(jobId);
    if (job == null) {
      return; // the job already ended here
    }
    String op = order.getString("op");
    if (!"ended".equals(op)) {
      vertx.eventBus().send(job.provider.connection.inbox, order.copy().put("job_id", jobId));
    }
    if ("ended".equals(op) || "cancel".equals(op)) {
      ended(jobId);
    }
  }

  private void drain() {
    while (!queue.isEmpty()) {
      Provider provider = pick();
      if (provider == null) {
        return;
      }
      send(provider, queue.poll());
    }
  }

  private Provider pick() {
    for (int i = 0; i < providers.size(); i++) {
      Provider candidate = providers.get((next + i) % providers.size());
      if (candidate.hasRoom(running)) {
        next = (next + i + 1) % providers.size();
        return candidate;
      }
    }
    return null;
  }

  private void send(Provider provider, DispatchQueue.Waiting waited) {
    JsonObject job = waited.dispatch().body();
    String jobId = waited.jobId();
    BridgeConnection connection = provider.connection;
    connection.jobs.put(jobId, job.getString("job_token"));
    String owner = job.getString("node");
    // the process sends to the job's address here; its outcome is the last
    MessageConsumer<JsonObject> toOwner = null;
    if (routes.remote(owner)) {
      toOwner = routes.relay(Addresses.job(jobId), owner, BridgedAgent::lastFromAgent);
      connection.owners.put(jobId, owner);
    }
    running.put(jobId, new Running(provider, waited.ordersTo(order -> onOrder(jobId, order.body())), toOwner));
    vertx.eventBus().send(connection.inbox, job.copy().put("heartbeat_sec", heartbeatSec));
    if (waited.paused()) {
      vertx.eventBus().send(connection.inbox, new JsonObject().put("op", "pause").put("job_id", jobId));
    }
    waited.dispatch().reply(new JsonObject().put("provider", connection.id).put("node", routes.self()),
        Bus.OPTIONS);
  }

  private static boolean lastFromAgent(JsonObject message) {
    return AgentOps.ends(message.getValue("op"));
  }

  /**
   * Takes no more dispatches (a drain): the cluster routes new jobs to other nodes' providers, while the jobs
   * running here, and those already waiting for a process, go on.
   */
  Future<Void> handOver() {
    handedOver = true;
    if (consumer == null) {
      return Future.succeededFuture();
    }
    MessageConsumer<JsonObject> leaving = consumer;
    consumer = null;
    return leaving.unregister();
  }

  /** The job ended (the job runner says so, whoever ended it): its slot is free again. */
  void ended(String jobId) {
    Running job = running.remove(jobId);
    if (job != null) {
      hostedJobs.removed();
      job.unregister();
      job.provider.connection.jobs.remove(jobId);
      job.provider.connection.owners.remove(jobId);
      drain();
    }
  }
}
