package dev.arcpgateway.job;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.protocol.Timestamps;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Publishes job lifecycle moments on {@link Addresses#LIFECYCLE} for embedding applications and bridged
 * observers: {@code {moment, job_id, agent, principal, session_id, at, status?, code?}} — only when the options
 * ask for it or a bridge token observes the lifecycle.
 */
final class Lifecycle {

  static final String QUEUED = "queued";
  static final String STARTED = "started";
  static final String HEARTBEAT = "heartbeat";
  static final String COMPLETED = "completed";
  static final String FAILED = "failed";
  static final String CANCELLED = "cancelled";

  private final EventBus bus;
  private final boolean enabled;

  /** @param enabled false: nothing is published (nobody was configured to listen) */
  Lifecycle(EventBus bus, boolean enabled) {
    this.bus = bus;
    this.enabled = enabled;
  }

  void publish(String moment, Job job, String code) {
    if (!enabled) {
      return;
    }
    JsonObject note = new JsonObject()
        .put("moment", moment)
        .put("job_id", job.id)
        .put("agent", job.agent.toString())
        .put("principal", job.principal)
        .put("session_id", job.sessionId)
        .put("status", job.status.wire())
        .put("at", Timestamps.now());
    if (code != null) {
      note.put("code", code);
    }
    bus.publish(Addresses.LIFECYCLE, note, Bus.OPTIONS);
  }
}
