package dev.arcpgateway.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Gathers the events an in-process agent sends in one event-loop turn into one {@code events} message to the job
 * runner: an agent emitting in a loop costs the event bus one send per turn, not one per event. Anything else the
 * agent sends goes after the events gathered before it, which leave first. Confined to the agent's context.
 */
final class EventBatch implements Consumer<JsonObject> {

  private final Consumer<Runnable> atEndOfTurn;
  private final String jobToken;
  private final Consumer<JsonObject> route;
  private List<JsonObject> gathered;

  /**
   * @param atEndOfTurn runs a task once the current event-loop turn is over
   * @param route       sends one message to the job runner
   */
  EventBatch(Consumer<Runnable> atEndOfTurn, String jobToken, Consumer<JsonObject> route) {
    this.atEndOfTurn = atEndOfTurn;
    this.jobToken = jobToken;
    this.route = route;
  }

  @Override
  public void accept(JsonObject message) {
    if (!"event".equals(message.getValue("op"))) {
      flush();
      route.accept(message);
      return;
    }
    if (gathered == null) {
      gathered = new ArrayList<>();
      atEndOfTurn.accept(this::flush);
    }
    gathered.add(message);
  }

  /** Sends what was gathered: one event as it is, several as one {@code events} message. */
  void flush() {
    List<JsonObject> events = gathered;
    gathered = null;
    if (events == null) {
      return;
    }
    if (events.size() == 1) {
      route.accept(events.get(0));
      return;
    }
    JsonObject batch = new JsonObject().put("op", "events").put("job_token", jobToken)
        .put("events", new JsonArray(events));
    for (JsonObject event : events) {
      if (Boolean.TRUE.equals(event.getValue(EventWindow.REPORT))) {
        batch.put(EventWindow.REPORT, true); // the runner reports once, after the whole batch
        break;
      }
    }
    route.accept(batch);
  }

  /** The job ended: what was gathered is not sent. */
  void discard() {
    gathered = null;
  }
}
