package dev.arcpgateway.job;

import dev.arcpgateway.agent.EventWindow;
import io.vertx.core.json.JsonObject;

/**
 * The job runner's side of an in-process agent's {@link EventWindow}: how many of the agent's events it has taken
 * and how many bytes it emitted, reported to the agent whenever a message of the agent asks
 * ({@link EventWindow#REPORT}). Agents that keep no window (bridged ones) are told nothing.
 */
final class TakenEvents {

  private boolean reporting;
  private long events;
  private long bytes;

  /** The agent keeps a window: from now on it hears what was taken when it asks. */
  void report() {
    reporting = true;
  }

  /** Whether the agent is in-process (it keeps a window), as its dispatch reply said. */
  boolean reporting() {
    return reporting;
  }

  /** Counts {@code emitted} bytes of frames sent on to clients. */
  void emitted(int emitted) {
    bytes += emitted;
  }

  /** One more agent event was taken. */
  void tookEvent() {
    events++;
  }

  /** The report to send the agent after its {@code message}, or null when it asked for none. */
  JsonObject reportFor(JsonObject message) {
    if (!reporting || !Boolean.TRUE.equals(message.getValue(EventWindow.REPORT))) {
      return null;
    }
    return new JsonObject().put("op", "taken").put("events", events).put("bytes", bytes);
  }
}
