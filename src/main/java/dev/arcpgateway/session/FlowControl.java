package dev.arcpgateway.session;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.config.GatewayOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * A session's answers to a client that does not keep up (§6.5), kept apart from what the session says:
 * <ul>
 *   <li>acknowledgement lag: a client that acknowledges but lags more than {@code back_pressure_lag} events gets
 *       a {@code back_pressure} status, after which delivery is held until its acknowledgements catch up;</li>
 *   <li>backlog: past a high-water mark the session's own jobs are asked to pause (their agents wait), below a
 *       low-water mark to go on;</li>
 *   <li>a stalled client whose backlog outgrows the buffer caps cannot keep up at all: its transport is closed
 *       (it can resume, or learns RESUME_WINDOW_EXPIRED) so that memory stays bounded.</li>
 * </ul>
 */
final class FlowControl {

  /** What the session does when its client is hopelessly behind: close the transport and park. */
  interface TooSlow {
    void closeTransport();
  }

  private final GatewayOptions options;
  private final EventBus bus;
  private final String sessionId;
  private final Outbox outbox;
  private final ResumeBuffer buffer;
  private final Supplier<Iterable<String>> ownLiveJobs;
  private final TooSlow tooSlow;
  private boolean congested;
  /** Seq of the back_pressure status after which delivery is held, or -1. */
  private long holdSeq = -1;

  FlowControl(GatewayOptions options, EventBus bus, String sessionId, Outbox outbox, ResumeBuffer buffer,
              Supplier<Iterable<String>> ownLiveJobs, TooSlow tooSlow) {
    this.options = options;
    this.bus = bus;
    this.sessionId = sessionId;
    this.outbox = outbox;
    this.buffer = buffer;
    this.ownLiveJobs = ownLiveJobs;
    this.tooSlow = tooSlow;
  }

  /** A new transport: nothing is held. */
  void attached() {
    holdSeq = -1;
  }

  /** No transport: nothing waits in the outbox, so nobody needs to be paused. */
  void parked() {
    setCongested(false);
  }

  /** True when, after sending {@code seq}, an acknowledging client lags too far and must be told. */
  boolean lagsBehind(long seq) {
    return holdSeq < 0 && seq - buffer.ackedThrough() > options.backPressureLag();
  }

  /** The back_pressure status {@code statusSeq} is queued: hold everything after it. */
  void holdAfter(long statusSeq) {
    outbox.holdNew();
    holdSeq = statusSeq;
  }

  /** The client acknowledged: release held delivery once it has caught up to half the allowed lag. */
  void acknowledged() {
    if (holdSeq >= 0 && holdSeq - buffer.ackedThrough() <= options.backPressureLag() / 2) {
      holdSeq = -1;
      outbox.releaseHold();
    }
  }

  /** Re-evaluates after every write and every flush. */
  void checkBacklog() {
    if (!outbox.attached()) {
      return;
    }
    int backlog = outbox.backlog();
    long chars = outbox.backlogChars();
    // only a stalled client is too slow: frames waiting for this turn's flush are on their way out
    if (outbox.stalled() && (backlog > options.resumeBufferMaxEvents() || chars > options.resumeBufferMaxBytes())) {
      tooSlow.closeTransport();
      return;
    }
    int highWater = Math.max(64, options.resumeBufferMaxEvents() / 32);
    long highChars = Math.max(64 * 1024, options.resumeBufferMaxBytes() / 32);
    if (!congested && (backlog > highWater || chars > highChars)) {
      setCongested(true);
    } else if (congested && backlog < highWater / 4 && chars < highChars / 4) {
      setCongested(false);
    }
  }

  private void setCongested(boolean slow) {
    if (slow == congested) {
      return;
    }
    congested = slow;
    for (String jobId : ownLiveJobs.get()) {
      bus.send(Addresses.job(jobId), new JsonObject().put("op", "throttle").put("session_id", sessionId)
          .put("slow", slow), Bus.OPTIONS);
    }
  }
}
