package dev.arcpgateway.session;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import io.vertx.core.Context;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * Delivery of one session's encoded frames to its current transport connection. Frames written during one
 * event-loop turn travel as one batch; while the transport reports its socket's write queue full, frames wait
 * here (paused, never dropped) and go out once it drains. Frames are dropped only when no transport is attached:
 * seq-bearing ones stay in the resume buffer for replay.
 */
final class Outbox {

  private static final int MAX_BATCH = 512;

  private final EventBus bus;
  private final Context context;
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private long pendingChars;
  private String connectionId;
  private boolean paused;
  private boolean flushScheduled;

  Outbox(EventBus bus, Context context) {
    this.bus = bus;
    this.context = context;
  }

  /** Sends to {@code connectionId} from now on (null: parked, nothing is sent). */
  void attach(String connectionId) {
    this.connectionId = connectionId;
    this.paused = false;
    pending.clear();
    pendingChars = 0;
  }

  String connectionId() {
    return connectionId;
  }

  boolean attached() {
    return connectionId != null;
  }

  void write(String frame) {
    if (connectionId == null) {
      return;
    }
    pending.addLast(frame);
    pendingChars += frame.length();
    if (!flushScheduled && !paused) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  /** Frames waiting because the socket is slow, and their size. */
  int backlog() {
    return pending.size();
  }

  long backlogChars() {
    return pendingChars;
  }

  void pause() {
    paused = true;
  }

  void resume() {
    paused = false;
    flush();
  }

  boolean paused() {
    return paused;
  }

  private void flush() {
    flushScheduled = false;
    while (connectionId != null && !paused && !pending.isEmpty()) {
      JsonArray batch = new JsonArray();
      while (!pending.isEmpty() && batch.size() < MAX_BATCH) {
        String frame = pending.pollFirst();
        pendingChars -= frame.length();
        batch.add(frame);
      }
      bus.send(Addresses.connection(connectionId), new JsonObject().put("op", "frames").put("frames", batch),
          Bus.OPTIONS);
    }
  }

  /** Sends what is pending (even when paused), then orders the transport to close with {@code code}. */
  void close(int code, String reason) {
    if (connectionId == null) {
      return;
    }
    paused = false;
    flush();
    bus.send(Addresses.connection(connectionId), new JsonObject().put("op", "close").put("code", code)
        .put("reason", reason), Bus.OPTIONS);
    connectionId = null;
  }
}
