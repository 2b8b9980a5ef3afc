package dev.arcpgateway.session;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.config.GatewayOptions;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * A session's answers to a client that does not keep up (§6.5, §13.2), kept apart from what the session says.
 * Delivery itself is never held back for acknowledgements (they are advisory): frames wait only while the
 * transport's socket cannot take more.
 * <ul>
 *   <li>acknowledgement lag: a client that has acknowledged at least once and then lags more than
 *       {@code back_pressure_lag} events gets a {@code back_pressure} status on the job it is being sent, and the
 *       session's own jobs are paused until its acknowledgements catch up to half that lag; a client that never
 *       acknowledges is not lagging;</li>
 *   <li>backlog: past a high-water mark of frames waiting for the socket the session's own jobs are asked to pause
 *       (their agents wait), below a low-water mark to go on;</li>
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
  private final NodeRoutes routes;
  private final String sessionId;
  private final Outbox outbox;
  private final ResumeBuffer buffer;
  private final Supplier<Iterable<String>> ownLiveJobs;
  private final TooSlow tooSlow;
  /** Frames pile up in front of the socket. */
  private boolean congested;
  /** The client has sent {@code session.ack} at least once, so its lag means something. */
  private boolean acknowledging;
  /** The client was told {@code back_pressure} and has not caught up since. */
  private boolean lagging;
  /** What the session's own jobs were last told. */
  private boolean throttled;

  FlowControl(GatewayOptions options, NodeRoutes routes, String sessionId, Outbox outbox, ResumeBuffer buffer,
              Supplier<Iterable<String>> ownLiveJobs, TooSlow tooSlow) {
    this.options = options;
    this.routes = routes;
    this.sessionId = sessionId;
    this.outbox = outbox;
    this.buffer = buffer;
    this.ownLiveJobs = ownLiveJobs;
    this.tooSlow = tooSlow;
  }

  /** No transport: nothing waits in the outbox and nobody is expected to acknowledge, so nobody is paused. */
  void parked() {
    congested = false;
    lagging = false;
    applyThrottle();
  }

  /** True when, after sending event {@code seq}, an acknowledging client lags too far and must be told. */
  boolean lagsBehind(long seq) {
    return acknowledging && !lagging && seq - buffer.ackedThrough() > options.backPressureLag();
  }

  /** The client was sent its {@code back_pressure} status: pause the session's jobs until it catches up. */
  void toldToCatchUp() {
    lagging = true;
    applyThrottle();
  }

  /** The client acknowledged: once it is within half the allowed lag again, its jobs go on. */
  void acknowledged() {
    acknowledging = true;
    if (lagging && buffer.lastSeq() - buffer.ackedThrough() <= options.backPressureLag() / 2) {
      lagging = false;
      applyThrottle();
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
      congested = true;
      applyThrottle();
    } else if (congested && backlog < highWater / 4 && chars < highChars / 4) {
      congested = false;
      applyThrottle();
    }
  }

  private void applyThrottle() {
    boolean slow = congested || lagging;
    if (slow == throttled) {
      return;
    }
    throttled = slow;
    for (String jobId : ownLiveJobs.get()) {
      // a resumed session's jobs may run on the node it was on before
      routes.sendAnywhere(Addresses.job(jobId), new JsonObject().put("op", "throttle").put("session_id", sessionId)
          .put("slow", slow), Bus.OPTIONS);
    }
  }
}
