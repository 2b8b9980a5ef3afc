package dev.arcpgateway.session;

import dev.arcpgateway.store.SessionJournal;

/**
 * Drops a session's journaled frames behind its resume buffer: once the buffer let go of {@link #BATCH} more frames,
 * one statement drops them from the journal too. One drop at a time, each starting where the last one that
 * succeeded ended: overlapping drops of a fast stream would wait on each other's rows, and a drop from seq 0 would
 * walk every frame deleted before it, so the journal's cost per frame would grow with the stream.
 */
final class JournalDrops {

  /** How many frames the buffer drops before the journal drops them too. */
  static final int BATCH = 1024;

  private final SessionJournal journal;
  private final String sessionId;
  /** The journal's frames up to this seq are dropped. */
  private long droppedThrough;
  private boolean dropping;

  /** Drops from {@code journal}, or from nowhere when it is null (a store that does not survive a restart). */
  JournalDrops(SessionJournal journal, String sessionId) {
    this.journal = journal;
    this.sessionId = sessionId;
  }

  /** The buffer now holds nothing up to {@code bufferDroppedThrough}; runs on the session's context. */
  void bufferDroppedThrough(long bufferDroppedThrough) {
    if (journal == null || dropping || bufferDroppedThrough - droppedThrough < BATCH) {
      return;
    }
    dropping = true;
    journal.dropRange(sessionId, droppedThrough, bufferDroppedThrough).onComplete(done -> {
      dropping = false;
      if (done.succeeded()) { // a failed range is left to the next drop, which starts at the same place
        droppedThrough = bufferDroppedThrough;
      }
    });
  }
}
