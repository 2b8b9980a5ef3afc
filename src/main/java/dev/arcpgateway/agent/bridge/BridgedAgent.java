package dev.arcpgateway.agent.bridge;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code name@version} served by agent processes: takes the job runner's dispatches on
 * {@link Addresses#agent(String, String)}, hands each to the next process with room (round robin, respecting each
 * process's max concurrent jobs), and relays the job's orders (cancel, pause, resume, delegation results) to that
 * process's inbox. Dispatches wait in order while every process is busy; the job runner's dispatch timeout bounds
 * the wait.
 */
final class BridgedAgent {

  private final Vertx vertx;
  private final String name;
  private final String version;
  private final int heartbeatSec;
  private final List<Provider> providers = new ArrayList<>();
  private final ArrayDeque<Message<JsonObject>> waiting = new ArrayDeque<>();
  private final Map<String, Running> running = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;
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

    Running(Provider provider, MessageConsumer<JsonObject> orders) {
      this.provider = provider;
      this.orders = orders;
    }
  }

  BridgedAgent(Vertx vertx, String name, String version, int heartbeatSec) {
    this.vertx = vertx;
    this.name = name;
    this.version = version;
    this.heartbeatSec = heartbeatSec;
  }

  String ref() {
    return name + "@" + version;
  }

  void addProvider(BridgeConnection connection, int maxConcurrent) {
    providers.removeIf(p -> p.connection == connection);
    providers.add(new Provider(connection, maxConcurrent));
    if (consumer == null) {
      consumer = vertx.eventBus().consumer(Addresses.agent(name, version), this::onDispatch);
    }
    drain();
  }

  /** Removes a process; true when none is left. */
  boolean removeProvider(BridgeConnection connection) {
    providers.removeIf(p -> p.connection == connection);
    running.values().removeIf(job -> {
      if (job.provider.connection == connection) {
        job.orders.unregister();
        return true;
      }
      return false;
    });
    if (providers.isEmpty()) {
      if (consumer != null) {
        consumer.unregister();
        consumer = null;
      }
      while (!waiting.isEmpty()) {
        BusErrors.fail(waiting.pollFirst(), new ArcpException(ErrorCode.AGENT_NOT_AVAILABLE,
            "every process serving " + ref() + " left"));
      }
      return true;
    }
    return false;
  }

  private void onDispatch(Message<JsonObject> dispatch) {
    waiting.addLast(dispatch);
    drain();
  }

  private void drain() {
    while (!waiting.isEmpty()) {
      Provider provider = pick();
      if (provider == null) {
        return;
      }
      send(provider, waiting.pollFirst());
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

  private void send(Provider provider, Message<JsonObject> dispatch) {
    JsonObject job = dispatch.body();
    String jobId = job.getString("job_id");
    BridgeConnection connection = provider.connection;
    connection.jobs.put(jobId, job.getString("job_token"));
    MessageConsumer<JsonObject> orders = vertx.eventBus().consumer(Addresses.agentJob(jobId), order -> {
      JsonObject forwarded = order.body().copy().put("job_id", jobId);
      vertx.eventBus().send(connection.inbox, forwarded);
      if ("cancel".equals(order.body().getString("op"))) {
        ended(jobId);
      }
    });
    running.put(jobId, new Running(provider, orders));
    JsonObject forwarded = job.copy().put("heartbeat_sec", heartbeatSec);
    orders.completion().onComplete(v -> {
      vertx.eventBus().send(connection.inbox, forwarded);
      dispatch.reply(new JsonObject().put("provider", connection.id), Bus.OPTIONS);
    });
  }

  /** The job ended (the agent reported its outcome, or the gateway ended it): its slot is free again. */
  void ended(String jobId) {
    Running job = running.remove(jobId);
    if (job != null) {
      job.orders.unregister();
      job.provider.connection.jobs.remove(jobId);
      drain();
    }
  }
}
