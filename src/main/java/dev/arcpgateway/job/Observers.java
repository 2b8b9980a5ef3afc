package dev.arcpgateway.job;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.LocalSessions;
import dev.arcpgateway.protocol.JobFrame;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions that receive one job's frames. A subscriber that asked for history is "catching up" while its
 * replay is read: live frames for it wait here, so that it sees history then live frames, each exactly once.
 */
final class Observers {

  /** Session id → its address, built once: a frame goes to each for every event. */
  private final Map<String, String> live = new LinkedHashMap<>();
  private final Map<String, List<JobFrame>> catchingUp = new HashMap<>();

  void add(String sessionId) {
    live.put(sessionId, Addresses.session(sessionId));
  }

  void remove(String sessionId) {
    live.remove(sessionId);
    catchingUp.remove(sessionId);
  }

  /** Live frames for {@code sessionId} are held from now on until {@link #caughtUp}. */
  void catchUp(String sessionId) {
    live.remove(sessionId);
    catchingUp.put(sessionId, new ArrayList<>());
  }

  /** The frames held while {@code sessionId} caught up; it receives live frames again. */
  List<JobFrame> caughtUp(String sessionId) {
    List<JobFrame> held = catchingUp.remove(sessionId);
    if (held == null) {
      return List.of(); // unsubscribed meanwhile
    }
    add(sessionId);
    return held;
  }

  void send(Vertx vertx, JobFrame frame) {
    live.forEach((session, address) -> vertx.eventBus().send(address, frame, LocalSessions.options(vertx, session)));
    catchingUp.values().forEach(held -> held.add(frame));
  }
}
