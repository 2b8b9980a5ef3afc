package dev.arcpgateway.session;

import dev.arcpgateway.protocol.Utf8;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * The answers to a client's requests ({@code job.accepted}, {@code job.cancelled}, {@code session.jobs},
 * {@code job.subscribed}, refusals) that no transport took: written while the session was parked, or still waiting
 * in the outbox when the connection went. They carry no {@code event_seq}, so the resume buffer cannot replay them
 * by number; each is kept with the seq of the frame it followed and replayed in that place on resume (§6.3).
 * Bounded by the resume buffer's caps: past them the oldest answer goes, and a resume that would have needed it
 * gets RESUME_WINDOW_EXPIRED rather than a silent loss.
 */
final class ParkedReplies {

  /** One answer, after the seq-bearing frame {@code afterSeq} (0: before any). */
  record Reply(long afterSeq, String frame, long bytes) {
  }

  /** Heap an entry takes beyond its text, as the resume buffer counts it. */
  private static final long ENTRY_HEAP = 72;

  private final ArrayDeque<Reply> replies = new ArrayDeque<>();
  private final int maxReplies;
  private final long maxBytes;
  private final LongConsumer ledger;
  private long bytes;
  /** A resume from a {@code last_event_seq} below this would miss an answer that was dropped. */
  private long coveredFrom;

  /** @param ledger told every growth (positive) and shrinkage (negative) in bytes of heap: the gateway's budget */
  ParkedReplies(int maxReplies, long maxBytes, LongConsumer ledger) {
    this.maxReplies = maxReplies;
    this.maxBytes = maxBytes;
    this.ledger = ledger;
  }

  /** Keeps an answer; answers arrive in stream order, so {@code afterSeq} never decreases. */
  void add(long afterSeq, String frame) {
    Reply reply = new Reply(afterSeq, frame, Utf8.length(frame));
    replies.addLast(reply);
    bytes += reply.bytes();
    ledger.accept(ENTRY_HEAP + reply.bytes());
    while (replies.size() > maxReplies || bytes > maxBytes) {
      Reply dropped = replies.removeFirst();
      bytes -= dropped.bytes();
      ledger.accept(-ENTRY_HEAP - dropped.bytes());
      coveredFrom = Math.max(coveredFrom, dropped.afterSeq() + 1);
    }
  }

  /** True when no answer a client that saw up to {@code lastSeenSeq} still needs was dropped. */
  boolean covers(long lastSeenSeq) {
    return lastSeenSeq >= coveredFrom;
  }

  /** Hands every kept answer over, oldest first, for a replay. */
  ArrayDeque<Reply> takeAll() {
    ArrayDeque<Reply> taken = new ArrayDeque<>(replies);
    ledger.accept(-ENTRY_HEAP * replies.size() - bytes);
    replies.clear();
    bytes = 0;
    return taken;
  }
}
