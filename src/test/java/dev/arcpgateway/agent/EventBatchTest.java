package dev.arcpgateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link EventBatch}: an agent's events of one turn leave as one message, before anything sent after them. */
class EventBatchTest {

  private final List<Runnable> endOfTurn = new ArrayList<>();
  private final List<JsonObject> sent = new ArrayList<>();
  private final EventBatch batch = new EventBatch(endOfTurn::add, "jt_1", sent::add);

  private static JsonObject event(String name) {
    return new JsonObject().put("op", "event").put("job_token", "jt_1").put("name", name);
  }

  private void turnEnds() {
    List<Runnable> tasks = new ArrayList<>(endOfTurn);
    endOfTurn.clear();
    tasks.forEach(Runnable::run);
  }

  @Test
  void theEventsOfOneTurnLeaveAsOneMessageAtItsEnd() {
    batch.accept(event("a"));
    batch.accept(event("b").put(EventWindow.REPORT, true));
    batch.accept(event("c"));
    assertTrue(sent.isEmpty(), "nothing before the turn ends");
    assertEquals(1, endOfTurn.size(), "one flush asked for per batch");
    turnEnds();
    assertEquals(1, sent.size());
    JsonObject events = sent.get(0);
    assertEquals("events", events.getString("op"));
    assertEquals("jt_1", events.getString("job_token"));
    assertEquals(List.of("a", "b", "c"), events.getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("name")).toList());
    assertTrue(events.getBoolean(EventWindow.REPORT, false), "one event asked for a report: the batch asks");
  }

  @Test
  void aLoneEventLeavesAsItselfAndABatchThatAsksNothingAsksNoReport() {
    batch.accept(event("a"));
    turnEnds();
    assertEquals(List.of(event("a")), sent);
    batch.accept(event("b"));
    batch.accept(event("c"));
    turnEnds();
    assertFalse(sent.get(1).containsKey(EventWindow.REPORT));
  }

  @Test
  void anythingElseLeavesAfterTheEventsGatheredBeforeIt() {
    batch.accept(event("a"));
    batch.accept(event("b"));
    batch.accept(new JsonObject().put("op", "result"));
    assertEquals(List.of("events", "result"), sent.stream().map(m -> m.getString("op")).toList(),
        "the result did not wait for the turn's end, and did not overtake");
    turnEnds();
    assertEquals(2, sent.size(), "the flush at the turn's end found nothing left");
  }

  @Test
  void aFlushSendsAtOnceAndADiscardSendsNothing() {
    batch.accept(event("a"));
    batch.flush();
    assertEquals(1, sent.size(), "a request about to go flushes what waits before it");
    batch.accept(event("b"));
    batch.discard();
    turnEnds();
    assertEquals(1, sent.size(), "the job ended: what was gathered is dropped");
  }
}
