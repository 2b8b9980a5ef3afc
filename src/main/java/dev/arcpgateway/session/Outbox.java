package dev.arcpgateway.session;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import io.vertx.core.Context;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * Delivery of one session's encoded frames to its current transport connection.
 *
 * <p>Frames written during one event-loop turn travel as one batch. Delivery is held back only while the transport
 * reports its socket's write queue full ({@link #socketPaused}); the frames then wait here, in order, never
 * dropped. Frames are dropped only when no transport is attached; seq-bearing ones stay in the resume buffer for
 * replay.
 */
final class Outbox {

  private static final int MAX_BATCH = 512;
  private static final long MAX_BATCH_CHARS = 1 << 20;

  private record Pending(long seq, String text) {
  }

  private final EventBus bus;
  private final Context context;
  private final Runnable afterFlush;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long pendingChars;
  private long lastSentSeq;
  private String connectionId;
  private boolean socketPaused;
  private boolean flushScheduled;

  /** @param afterFlush told after frames left, so that the session can re-check its backlog */
  Outbox(EventBus bus, Context context, Runnable afterFlush) {
    this.bus = bus;
    this.context = context;
    this.afterFlush = afterFlush;
  }

  /** Sends to {@code connectionId} from now on (null: parked, nothing is sent). */
  void attach(String connectionId) {
    this.connectionId = connectionId;
    this.socketPaused = false;
    pending.clear();
    pendingChars = 0;
  }

  String connectionId() {
    return connectionId;
  }

  boolean attached() {
    return connectionId != null;
  }

  /** Queues a frame; {@code seq} is its {@code event_seq}, or 0. */
  void write(long seq, String frame) {
    if (connectionId == null) {
      return;
    }
    pending.addLast(new Pending(seq, frame));
    pendingChars += frame.length();
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (!flushScheduled && !socketPaused && !pending.isEmpty()) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  /** Frames waiting (slow socket, or not flushed yet). */
  int backlog() {
    return pending.size();
  }

  long backlogChars() {
    return pendingChars;
  }

  /** The highest {@code event_seq} handed to the transport. */
  long lastSentSeq() {
    return lastSentSeq;
  }

  /** True while frames wait on the client: its socket is full. */
  boolean stalled() {
    return socketPaused;
  }

  /** The transport's socket cannot take more for now. */
  void socketPaused(boolean paused) {
    socketPaused = paused;
    scheduleFlush();
  }

  /**
   * Sends one batch (bounded in frames and size), then lets the event loop run before the next, so that a
   * transport's "paused" can arrive before much more is handed to it.
   */
  private void flush() {
    flushScheduled = false;
    if (connectionId == null || socketPaused || pending.isEmpty()) {
      return;
    }
    JsonArray batch = new JsonArray();
    long chars = 0;
    while (!pending.isEmpty() && batch.size() < MAX_BATCH && chars < MAX_BATCH_CHARS) {
      Pending frame = pending.pollFirst();
      pendingChars -= frame.text().length();
      chars += frame.text().length();
      if (frame.seq() > 0) {
        lastSentSeq = frame.seq();
      }
      batch.add(frame.text());
    }
    bus.send(Addresses.connection(connectionId), new JsonObject().put("op", "frames").put("frames", batch),
        Bus.OPTIONS);
    scheduleFlush();
    afterFlush.run();
  }

  /** Sends what is pending (even to a full socket), then orders the transport to close with {@code code}. */
  void close(int code, String reason) {
    if (connectionId == null) {
      return;
    }
    socketPaused = false;
    while (!pending.isEmpty()) {
      flush();
    }
    bus.send(Addresses.connection(connectionId), new JsonObject().put("op", "close").put("code", code)
        .put("reason", reason), Bus.OPTIONS);
    connectionId = null;
  }

  /** Orders the transport to close at once, dropping what is pending (the client is not reading). */
  void abort(int code, String reason) {
    if (connectionId == null) {
      return;
    }
    String connection = connectionId;
    attach(null);
    bus.send(Addresses.connection(connection), new JsonObject().put("op", "close").put("code", code)
        .put("reason", reason), Bus.OPTIONS);
  }
}
