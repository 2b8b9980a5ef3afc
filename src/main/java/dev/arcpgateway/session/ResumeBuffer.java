package dev.arcpgateway.session;

import dev.arcpgateway.protocol.Utf8;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The encoded seq-bearing frames of one session, kept so that a reconnecting client can be replayed everything
 * after its {@code last_event_seq} (§6.3, §6.5). Bounded by a count and a byte budget: when either is exceeded
 * the oldest frames go first, and a resume that would need them gets RESUME_WINDOW_EXPIRED rather than a gap.
 * Every size change is also told to the gateway-wide {@link BufferBudget}.
 */
final class ResumeBuffer {

  /** What the heap holds for a buffered frame besides its text: the string, the entry, the deque's slot. */
  private static final long ENTRY_HEAP = 72;

  /** One buffered frame and its UTF-8 size. */
  record Entry(long seq, String frame, long bytes) {
  }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final int maxEvents;
  private final long maxBytes;
  private final LongConsumer ledger;
  private long bytes;
  /** Seq of the newest frame ever appended (0 before the first). */
  private long lastSeq;
  /** Every seq ≤ this has been dropped (acked or evicted). */
  private long droppedThrough;
  /** Every seq ≤ this was dropped because the client acknowledged it. */
  private long ackedThrough;

  /** @param ledger told every growth (positive) and shrinkage (negative) in bytes of heap */
  ResumeBuffer(int maxEvents, long maxBytes, LongConsumer ledger) {
    this.maxEvents = maxEvents;
    this.maxBytes = maxBytes;
    this.ledger = ledger;
  }

  /**
   * Starts a buffer brought back after a restart: the client saw every frame up to {@code lastSeenSeq}, and the
   * frames after it are appended next.
   */
  void startAfter(long lastSeenSeq) {
    lastSeq = droppedThrough = ackedThrough = lastSeenSeq;
  }

  void append(long seq, String frame) {
    long size = Utf8.length(frame);
    entries.addLast(new Entry(seq, frame, size));
    bytes += size;
    lastSeq = seq;
    long change = ENTRY_HEAP + size;
    while (entries.size() > maxEvents || bytes > maxBytes) {
      change -= drop();
    }
    tell(change); // once, net: a full buffer drops about what it takes in, and the ledger is shared by every loop
  }

  /** Frees frames with seq ≤ {@code seq} (the client processed them). */
  void ack(long seq) {
    long upTo = Math.min(seq, lastSeq);
    long freed = 0;
    while (!entries.isEmpty() && entries.peekFirst().seq() <= upTo) {
      freed += drop();
    }
    tell(-freed);
    ackedThrough = Math.max(ackedThrough, upTo);
    droppedThrough = Math.max(droppedThrough, upTo);
  }

  /**
   * Frees frames with seq ≤ {@code seq} whether or not the client processed them: the gateway is short of memory
   * (§6.5 allows it), and a resume from before {@code seq} then gets RESUME_WINDOW_EXPIRED.
   */
  void trimThrough(long seq) {
    long freed = 0;
    while (!entries.isEmpty() && entries.peekFirst().seq() <= seq) {
      freed += drop();
    }
    tell(-freed);
  }

  /** Drops the oldest frame; the heap it held, for the caller to tell the ledger. */
  private long drop() {
    Entry dropped = entries.removeFirst();
    bytes -= dropped.bytes();
    droppedThrough = Math.max(droppedThrough, dropped.seq());
    return ENTRY_HEAP + dropped.bytes();
  }

  private void tell(long change) {
    if (change != 0) {
      ledger.accept(change);
    }
  }

  /**
   * True when every frame after {@code lastSeenSeq} is still here: nothing the client has not seen was
   * dropped, and the client does not claim frames that were never sent.
   */
  boolean covers(long lastSeenSeq) {
    return lastSeenSeq >= droppedThrough && lastSeenSeq <= lastSeq;
  }

  /** The frames after {@code lastSeenSeq}, in order. */
  List<Entry> after(long lastSeenSeq) {
    List<Entry> out = new ArrayList<>();
    Iterator<Entry> it = entries.descendingIterator();
    while (it.hasNext()) {
      Entry entry = it.next();
      if (entry.seq() <= lastSeenSeq) {
        break;
      }
      out.add(entry);
    }
    Collections.reverse(out);
    return out;
  }

  long lastSeq() {
    return lastSeq;
  }

  /** Every seq up to this was dropped, acknowledged or evicted. */
  long droppedThrough() {
    return droppedThrough;
  }

  long ackedThrough() {
    return ackedThrough;
  }

  int size() {
    return entries.size();
  }

  long bytes() {
    return bytes;
  }
}
