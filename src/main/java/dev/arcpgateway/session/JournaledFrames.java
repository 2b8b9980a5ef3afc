package dev.arcpgateway.session;

import dev.arcpgateway.store.SessionJournal;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * What a session journaled after the client's {@code last_event_seq}, read back for a resume after a restart: every
 * frame from the next seq on, without a gap, or RESUME_WINDOW_EXPIRED when the journal no longer has them all.
 *
 * @param lastSeq the session's last seq
 * @param frames  the frames after {@code last_event_seq}, in order
 */
record JournaledFrames(long lastSeq, List<SessionJournal.Kept> frames) {

  /** Reads the frames after {@code lastSeen}; refuses when they are more than {@code maxFrames}. */
  static Future<JournaledFrames> after(SessionJournal journal, String sessionId, long lastSeen, int maxFrames) {
    return journal.lastSeq(sessionId).compose(last -> {
      if (lastSeen > last) {
        return Future.failedFuture(Session.expired("last_event_seq " + lastSeen + " was never sent (this session has sent"
            + " up to " + last + ")"));
      }
      if (last - lastSeen > maxFrames) {
        return Future.failedFuture(Session.expired("the events after last_event_seq " + lastSeen + " are more than the"
            + " resume buffer holds (" + maxFrames + ")"));
      }
      return readFrom(journal, sessionId, lastSeen + 1, last, new ArrayList<>()).map(frames -> {
        if (frames.size() != last - lastSeen) {
          throw Session.expired("events after last_event_seq " + lastSeen + " are no longer kept");
        }
        return new JournaledFrames(last, frames);
      });
    });
  }

  /** Reads on from seq {@code next}; stops at the first gap, which leaves the caller with too few. */
  private static Future<List<SessionJournal.Kept>> readFrom(SessionJournal journal, String sessionId, long next,
                                                           long last, List<SessionJournal.Kept> into) {
    if (next > last) {
      return Future.succeededFuture(into);
    }
    return journal.read(sessionId, next - 1, SessionJournal.PAGE).compose(page -> {
      long expected = next;
      for (SessionJournal.Kept frame : page) {
        if (frame.seq() != expected || expected > last) {
          return Future.succeededFuture(into);
        }
        into.add(frame);
        expected++;
      }
      return page.isEmpty() ? Future.succeededFuture(into) : readFrom(journal, sessionId, expected, last, into);
    });
  }
}
