package dev.arcpgateway.job;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.LocalSessions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sessions that receive one job's frames. A subscriber that asked for history is "catching up" while its
 * replay is read: live frames for it wait here, so that it sees history then live frames, each exactly once.
 */
final class Observers {

  private final Set<String> live = new LinkedHashSet<>();
  private final Map<String, List<JsonObject>> catchingUp = new HashMap<>();

  void add(String sessionId) {
    live.add(sessionId);
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
  List<JsonObject> caughtUp(String sessionId) {
    List<JsonObject> held = catchingUp.remove(sessionId);
    if (held == null) {
      return List.of(); // unsubscribed meanwhile
    }
    live.add(sessionId);
    return held;
  }

  void send(Vertx vertx, JsonObject frame) {
    for (String session : live) {
      vertx.eventBus().send(Addresses.session(session), frame, LocalSessions.options(vertx, session));
    }
    catchingUp.values().forEach(held -> held.add(frame));
  }
}
