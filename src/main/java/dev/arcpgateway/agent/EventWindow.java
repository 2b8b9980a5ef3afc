package dev.arcpgateway.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How far an in-process agent's events may run ahead of the job runner, and whether they may go at all. Events
 * beyond the window, and everything the agent sends after them, wait here in order; so does everything while the
 * job's client cannot keep up (the runner said {@code pause}). Without it an agent producing at full speed fills
 * the runner's queue, and a pause reaches the agent only behind all of it.
 *
 * <p>The window is {@link #MAX_BYTES} of events by the sizes the runner reports, between {@link #MIN_EVENTS} and
 * {@link #MAX_EVENTS} events. The event that fills half the window, and the one that fills it, ask the runner to
 * report ({@link #REPORT}: the runner answers with {@code taken}), so a report is on its way before the agent has
 * to wait for one; should the window shrink below what is in flight (larger events) with no report asked for, a
 * heartbeat asks. Confined to the agent's context.
 */
public final class EventWindow {

  public static final int MIN_EVENTS = 4;
  public static final int MAX_EVENTS = 64;
  public static final long MAX_BYTES = 1 << 20;
  /** Set on an event whose arrival the runner reports. */
  public static final String REPORT = "report";

  /** A message to send; an event counts against the window, anything else only keeps its place in line. */
  private record Pending(boolean event, JsonObject message, Promise<Void> sent) {
  }

  private final Consumer<JsonObject> sender;
  private final Supplier<JsonObject> heartbeat;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private boolean paused;
  private long sentEvents;
  private long takenEvents;
  private long takenBytes;
  /** The count of sent events when the last report was asked for. */
  private long askedAt;
  private Promise<Void> emptied;

  /**
   * @param sender    sends a message to the job runner
   * @param heartbeat a new heartbeat message, which asks for a report when nothing else does
   */
  EventWindow(Consumer<JsonObject> sender, Supplier<JsonObject> heartbeat) {
    this.sender = sender;
    this.heartbeat = heartbeat;
  }

  /** Sends an event now if it may go and nothing waits before it, else later; completes once sent. */
  Future<Void> event(JsonObject message) {
    return submit(true, message);
  }

  /** Sends anything else (a result, a failure) after every event before it; completes once sent. */
  Future<Void> other(JsonObject message) {
    return submit(false, message);
  }

  private Future<Void> submit(boolean event, JsonObject message) {
    if (waiting.isEmpty() && mayGo(event)) {
      send(event, message);
      return Future.succeededFuture();
    }
    Pending pending = new Pending(event, message, Promise.promise());
    waiting.addLast(pending);
    askIfStuck();
    return pending.sent().future();
  }

  /** The runner's report: it has taken {@code events} events, {@code bytes} bytes of them, so far. */
  void taken(long events, long bytes) {
    takenEvents = Math.max(takenEvents, events);
    takenBytes = Math.max(takenBytes, bytes);
    drain();
  }

  /** The job's client cannot keep up: nothing more goes until {@link #resume}. */
  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
    drain();
  }

  /** The job ended: nothing waiting is sent any more; whoever waits for it goes on. */
  void discard() {
    waiting.forEach(pending -> pending.sent().tryComplete());
    waiting.clear();
    paused = false;
    completeEmptied();
  }

  /** True until the first event is sent: no report can be on its way. */
  boolean sentNoEvent() {
    return sentEvents == 0;
  }

  /** Completes once everything handed over has been sent. */
  Future<Void> whenEmpty() {
    if (waiting.isEmpty()) {
      return Future.succeededFuture();
    }
    if (emptied == null) {
      emptied = Promise.promise();
    }
    return emptied.future();
  }

  private void drain() {
    while (!waiting.isEmpty() && mayGo(waiting.peekFirst().event())) {
      Pending next = waiting.pollFirst();
      send(next.event(), next.message());
      next.sent().complete();
    }
    if (waiting.isEmpty()) {
      completeEmptied();
    } else {
      askIfStuck();
    }
  }

  /** An event waits for room, and no report asked for is still to come: ask with a heartbeat. */
  private void askIfStuck() {
    if (!paused && waiting.peekFirst().event() && askedAt <= takenEvents) {
      askedAt = sentEvents;
      sender.accept(heartbeat.get().put(REPORT, true));
    }
  }

  private void completeEmptied() {
    if (emptied != null) {
      Promise<Void> done = emptied;
      emptied = null;
      done.complete();
    }
  }

  private boolean mayGo(boolean event) {
    return !paused && (!event || sentEvents - takenEvents < limit());
  }

  private void send(boolean event, JsonObject message) {
    if (event) {
      sentEvents++;
      long inFlight = sentEvents - takenEvents;
      long limit = limit();
      if (inFlight == limit || inFlight == (limit + 1) / 2) {
        message.put(REPORT, true);
        askedAt = sentEvents;
      }
    }
    sender.accept(message);
  }

  /** Events in flight allowed: the byte window by the average size taken so far, within the event bounds. */
  private long limit() {
    if (takenEvents == 0) {
      return MIN_EVENTS;
    }
    long average = Math.max(1, takenBytes / takenEvents);
    return Math.max(MIN_EVENTS, Math.min(MAX_EVENTS, MAX_BYTES / average));
  }
}
