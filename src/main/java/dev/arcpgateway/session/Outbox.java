package dev.arcpgateway.session;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import io.vertx.core.Context;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Delivery of one session's encoded frames to its current transport connection.
 *
 * <p>Frames written during one event-loop turn travel as one batch. Delivery is held back only while the transport
 * reports its socket's write queue full ({@link #socketPaused}); the frames then wait here, in order, never
 * dropped. When the transport goes, what waits is dropped except the answers to the client's requests, which go to
 * the {@link ParkedReplies}; seq-bearing frames stay in the resume buffer for replay.
 */
final class Outbox {

  private static final int MAX_BATCH = 512;
  private static final long MAX_BATCH_CHARS = 1 << 20;

  /** A frame waiting for the socket; {@code reply}: an answer the client must get even after a reconnect. */
  private record Pending(long seq, String text, boolean reply) {
  }

  private final EventBus bus;
  private final Context context;
  private final ParkedReplies parked;
  private final Runnable afterFlush;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private long pendingChars;
  /** The highest {@code event_seq} the session wrote, attached or not. */
  private long lastWrittenSeq;
  /** The highest {@code event_seq} handed to the current transport (0 right after an attach). */
  private long lastSentSeq;
  private String connectionId;
  private String connectionAddress;
  private boolean socketPaused;
  private boolean flushScheduled;

  /**
   * @param parked     where answers that no transport took are kept
   * @param afterFlush told after frames left, so that the session can re-check its backlog
   */
  Outbox(EventBus bus, Context context, ParkedReplies parked, Runnable afterFlush) {
    this.bus = bus;
    this.context = context;
    this.parked = parked;
    this.afterFlush = afterFlush;
  }

  /** Sends to {@code connectionId} from now on. */
  void attach(String connectionId) {
    this.connectionId = connectionId;
    this.connectionAddress = Addresses.connection(connectionId);
    this.socketPaused = false;
    this.lastSentSeq = 0;
    pending.clear();
    pendingChars = 0;
  }

  /** No transport any more: the answers still waiting are parked, everything else pending is dropped. */
  void detach() {
    parkReplies();
    connectionId = null;
    connectionAddress = null;
    socketPaused = false;
    pending.clear();
    pendingChars = 0;
  }

  /**
   * Takes the answers still waiting out of the queue and parks them, each after the seq-bearing frame it followed
   * (pending seq frames are consecutive and end at the newest written): the connection is being given up.
   */
  void parkReplies() {
    record Unsent(long afterSeq, String frame) {
    }
    ArrayDeque<Unsent> replies = new ArrayDeque<>();
    long nextSeq = lastWrittenSeq + 1;
    for (Iterator<Pending> it = pending.descendingIterator(); it.hasNext(); ) {
      Pending frame = it.next();
      if (frame.seq() > 0) {
        nextSeq = frame.seq();
      } else if (frame.reply()) {
        replies.addFirst(new Unsent(nextSeq - 1, frame.text()));
        pendingChars -= frame.text().length();
        it.remove();
      }
    }
    replies.forEach(reply -> parked.add(reply.afterSeq(), reply.frame()));
  }

  String connectionId() {
    return connectionId;
  }

  boolean attached() {
    return connectionId != null;
  }

  /** Queues a frame; {@code seq} is its {@code event_seq}, or 0 for one that only matters on this connection. */
  void write(long seq, String frame) {
    lastWrittenSeq = Math.max(lastWrittenSeq, seq);
    queue(new Pending(seq, frame, false));
  }

  /** Queues an answer to the client's request, parked if the connection goes before it leaves. */
  void writeReply(String frame) {
    queue(new Pending(0, frame, true));
  }

  private void queue(Pending frame) {
    if (connectionId == null) {
      return;
    }
    pending.addLast(frame);
    pendingChars += frame.text().length();
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

  /** The highest {@code event_seq} handed to the current transport. */
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
    bus.send(connectionAddress, new JsonObject().put("op", "frames").put("frames", batch),
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

  /** Orders the transport to close at once, dropping what is pending but the answers, which are parked. */
  void abort(int code, String reason) {
    if (connectionId == null) {
      return;
    }
    String connection = connectionId;
    detach();
    orderClose(connection, code, reason);
  }

  /** Like {@link #abort}, but {@code lastFrame} still goes out, after what the transport already has. */
  void abortWith(String lastFrame, int code, String reason) {
    if (connectionId == null) {
      return;
    }
    String connection = connectionId;
    detach();
    bus.send(Addresses.connection(connection), new JsonObject().put("op", "frames")
        .put("frames", new JsonArray().add(lastFrame)), Bus.OPTIONS);
    orderClose(connection, code, reason);
  }

  private void orderClose(String connection, int code, String reason) {
    bus.send(Addresses.connection(connection), new JsonObject().put("op", "close").put("code", code)
        .put("reason", reason), Bus.OPTIONS);
  }
}
