package dev.arcpgateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link EventWindow}: how far an in-process agent's events run ahead of what the job runner reported taken. */
class EventWindowTest {

  private final List<JsonObject> sent = new ArrayList<>();
  private final EventWindow window = new EventWindow(sent::add, () -> new JsonObject().put("op", "heartbeat"));

  private Future<Void> event(String name) {
    return window.event(new JsonObject().put("op", "event").put("name", name));
  }

  private List<String> names() {
    return sent.stream().map(m -> m.getString("name", m.getString("op"))).toList();
  }

  private static boolean asks(JsonObject message) {
    return message.getBoolean(EventWindow.REPORT, false);
  }

  @Test
  void eventsBeyondTheFirstWindowWaitForAReportThatTheWindowAskedFor() {
    for (int i = 0; i < EventWindow.MIN_EVENTS; i++) {
      assertTrue(event("e" + i).succeeded(), "within the first window: sent at once");
    }
    assertTrue(asks(sent.get(EventWindow.MIN_EVENTS / 2 - 1)), "the event at half the window asks for a report");
    assertTrue(asks(sent.get(EventWindow.MIN_EVENTS - 1)), "so does the one that fills it");
    Future<Void> beyond = event("beyond");
    assertFalse(beyond.isComplete());
    assertEquals(EventWindow.MIN_EVENTS, sent.size(), "no heartbeat: a report was asked for already");

    window.taken(1, 100);
    assertTrue(beyond.succeeded(), "one taken: one more may go");
    assertEquals("beyond", names().get(names().size() - 1));
  }

  @Test
  void anythingElseKeepsItsPlaceBehindWaitingEvents() {
    for (int i = 0; i < EventWindow.MIN_EVENTS + 2; i++) {
      event("e" + i);
    }
    Future<Void> result = window.other(new JsonObject().put("op", "result"));
    Future<Void> emptied = window.whenEmpty();
    assertFalse(result.isComplete());
    assertFalse(emptied.isComplete());

    window.taken(EventWindow.MIN_EVENTS, 100L * EventWindow.MIN_EVENTS);
    assertEquals("result", names().get(names().size() - 1), "sent after every event handed over before it");
    assertEquals(EventWindow.MIN_EVENTS + 3, sent.size());
    assertTrue(result.succeeded());
    assertTrue(emptied.succeeded());
  }

  @Test
  void smallEventsWidenTheWindowUpToMaxEvents() {
    for (int i = 0; i < EventWindow.MIN_EVENTS; i++) {
      event("small" + i);
    }
    window.taken(EventWindow.MIN_EVENTS, 100L * EventWindow.MIN_EVENTS); // 100 bytes each
    int more = 0;
    while (event("more").succeeded()) {
      more++;
    }
    assertEquals(EventWindow.MAX_EVENTS, more);
  }

  @Test
  void aWindowThatShrankBelowWhatIsInFlightAsksWithAHeartbeat() {
    for (int i = 0; i < EventWindow.MIN_EVENTS; i++) {
      event("small" + i);
    }
    window.taken(EventWindow.MIN_EVENTS, 100L * EventWindow.MIN_EVENTS); // every asked-for report has come
    for (int i = 0; i < 10; i++) {
      assertTrue(event("more" + i).succeeded(), "10 in flight, under half the widened window: none asks");
    }
    // a report with many more bytes for the same events: the window shrinks to MIN_EVENTS, below the 10 in flight
    window.taken(EventWindow.MIN_EVENTS, EventWindow.MIN_EVENTS * EventWindow.MAX_BYTES);
    Future<Void> stuck = event("stuck");
    assertFalse(stuck.isComplete());
    JsonObject last = sent.get(sent.size() - 1);
    assertEquals("heartbeat", last.getString("op"), "the stuck window asks for a report itself");
    assertTrue(asks(last));
  }

  @Test
  void aPausedWindowHoldsEverythingUntilResumed() {
    window.pause();
    Future<Void> first = event("first");
    Future<Void> result = window.other(new JsonObject().put("op", "result"));
    assertTrue(sent.isEmpty());
    assertFalse(first.isComplete());
    window.resume();
    assertEquals(List.of("first", "result"), names());
    assertTrue(first.succeeded());
    assertTrue(result.succeeded());
  }

  @Test
  void discardingLetsEveryWaiterGoWithoutSending() {
    for (int i = 0; i < EventWindow.MIN_EVENTS; i++) {
      event("e" + i);
    }
    Future<Void> waiting = event("late");
    window.discard();
    assertTrue(waiting.succeeded());
    assertFalse(names().contains("late"));
    assertTrue(window.whenEmpty().succeeded());
  }
}
