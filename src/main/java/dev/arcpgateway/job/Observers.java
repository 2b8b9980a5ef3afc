package dev.arcpgateway.job;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.LocalSessions;
import dev.arcpgateway.protocol.JobFrame;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sessions that receive one job's frames. A subscriber that asked for history is "catching up" while its
 * replay is read: live frames for it wait here, so that it sees history then live frames, each exactly once.
 * Each observer says whether its session negotiated the gateway's lifecycle events, so that a job none of whose
 * observers did sends none.
 */
final class Observers {

  /** Session id → its address, built once: a frame goes to each for every event. */
  private final Map<String, String> live = new LinkedHashMap<>();
  private final Map<String, List<JobFrame>> catchingUp = new HashMap<>();
  /** The observing sessions that write lifecycle events (the gateway's opt-in feature). */
  private final Set<String> lifecycle = new HashSet<>();

  void add(String sessionId, boolean wantsLifecycle) {
    receivesLive(sessionId);
    wantsLifecycle(sessionId, wantsLifecycle);
  }

  private void receivesLive(String sessionId) {
    live.put(sessionId, Addresses.session(sessionId));
  }

  void remove(String sessionId) {
    live.remove(sessionId);
    catchingUp.remove(sessionId);
    lifecycle.remove(sessionId);
  }

  /** Live frames for {@code sessionId} are held from now on until {@link #caughtUp}. */
  void catchUp(String sessionId, boolean wantsLifecycle) {
    live.remove(sessionId);
    catchingUp.put(sessionId, new ArrayList<>());
    wantsLifecycle(sessionId, wantsLifecycle);
  }

  private void wantsLifecycle(String sessionId, boolean wants) {
    if (wants) {
      lifecycle.add(sessionId);
    } else {
      lifecycle.remove(sessionId);
    }
  }

  /** Whether {@code sessionId} observes the job and writes its lifecycle events. */
  boolean wantLifecycle(String sessionId) {
    return lifecycle.contains(sessionId);
  }

  /** Whether any observer writes lifecycle events: when none does, the job sends none. */
  boolean anyWantLifecycle() {
    return !lifecycle.isEmpty();
  }

  /** The frames held while {@code sessionId} caught up; it receives live frames again. */
  List<JobFrame> caughtUp(String sessionId) {
    List<JobFrame> held = catchingUp.remove(sessionId);
    if (held == null) {
      return List.of(); // unsubscribed meanwhile
    }
    receivesLive(sessionId);
    return held;
  }

  void send(Vertx vertx, JobFrame frame) {
    live.forEach((session, address) -> vertx.eventBus().send(address, frame, LocalSessions.options(vertx, session)));
    catchingUp.values().forEach(held -> held.add(frame));
  }
}
