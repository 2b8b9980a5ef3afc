package dev.arcpgateway.session;

import dev.arcpgateway.store.SessionJournal;
import dev.arcpgateway.store.SessionJournal.SessionFrame;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a session's journal ahead of its client: a numbered frame is buffered and sent only once the store holds
 * it, so that whatever a client saw, a resume after a restart can give again under the same {@code event_seq}.
 * What the session writes after a numbered frame (an answer, a heartbeat) waits its turn, so order is kept. The
 * frames of one turn of the loop go to the store together. With a store that does not survive a restart, nothing
 * waits.
 *
 * <p>When the store refuses a batch (the database is away), clients are not kept waiting for it: until the journal
 * has caught up, frames go out at once and are journaled behind, in order, the refused batch offered again every
 * {@link #RETRY_MS}. Only a gateway that dies during the outage then loses what its journal had not caught up with,
 * and a client resuming from there is refused rather than given other frames under numbers it saw. Should the
 * outage outlast {@link #MAX_BEHIND} frames, the oldest half not yet journaled is given up, which a resume that needs
 * them sees as a gap.
 */
final class WriteAhead {

  private static final System.Logger LOG = System.getLogger(WriteAhead.class.getName());
  static final long RETRY_MS = 1_000;
  static final int MAX_BEHIND = 65_536;

  /** A write and the number of stored batches it needs first. */
  private record Waiting(long needs, Runnable write) {
  }

  private final Vertx vertx;
  private final Context context;
  private final SessionJournal journal;
  private final String sessionId;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private List<SessionFrame> gathering = new ArrayList<>();
  /** Batches handed to the journal, and those it stored. */
  private long sent;
  private long stored;
  private boolean appending;
  /** The store refused a batch and the journal has not caught up since: nothing waits for it. */
  private boolean behind;
  private boolean closed;
  private long retryTimer = -1;

  /**
   * @param context the session's: every call comes from it, and every write runs on it
   * @param journal null when the store does not survive a restart: every write goes at once
   */
  WriteAhead(Vertx vertx, Context context, SessionJournal journal, String sessionId) {
    this.vertx = vertx;
    this.context = context;
    this.journal = journal;
    this.sessionId = sessionId;
  }

  /** Journals {@code frame}, then runs {@code write} (which buffers and sends it). */
  void numbered(SessionFrame frame, Runnable write) {
    if (journal == null) {
      write.run();
      return;
    }
    gathering.add(frame);
    if (behind) {
      write.run();
      if (gathering.size() > MAX_BEHIND) {
        gathering.subList(0, MAX_BEHIND / 2).clear(); // half at once: a long outage costs no shift per frame
      }
    } else {
      waiting.addLast(new Waiting(sent + 1, write));
    }
    if (!appending) {
      appending = true;
      context.runOnContext(v -> append()); // the rest of this turn's frames join the batch
    }
  }

  /** Runs {@code write} once every numbered frame before it is stored: at once when none waits. */
  void after(Runnable write) {
    if (journal == null || behind || waiting.isEmpty() && gathering.isEmpty()) {
      write.run();
      return;
    }
    waiting.addLast(new Waiting(gathering.isEmpty() ? sent : sent + 1, write));
  }

  /** The session is gone: nothing more is stored or sent. */
  void close() {
    closed = true;
    waiting.clear();
    gathering.clear();
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
  }

  private void append() {
    if (closed) {
      return;
    }
    List<SessionFrame> batch = gathering;
    gathering = new ArrayList<>();
    sent++;
    offer(batch);
  }

  private void offer(List<SessionFrame> batch) {
    // a store may answer on any thread; the session's state changes only on its loop
    journal.append(sessionId, batch).onComplete(done -> context.runOnContext(v -> {
      if (closed) {
        return;
      }
      if (done.failed()) {
        LOG.log(System.Logger.Level.DEBUG, "session {0}: journal refused {1} frame(s), offering them again: {2}",
            sessionId, batch.size(), done.cause().getMessage());
        behind = true; // the store logged the outage; the client gets what waited for it now
        while (!waiting.isEmpty()) {
          waiting.pollFirst().write().run();
        }
        retryTimer = vertx.setTimer(RETRY_MS, t -> {
          retryTimer = -1;
          offer(batch);
        });
        return;
      }
      stored++;
      while (!waiting.isEmpty() && waiting.peekFirst().needs() <= stored) {
        waiting.pollFirst().write().run();
      }
      if (gathering.isEmpty()) {
        appending = false;
        behind = false;
      } else {
        append();
      }
    }));
  }
}
