package dev.arcpgateway.store;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;

/**
 * Durable session records, looked up by resume token on reconnect, and the slots that count each principal's
 * sessions against its cap.
 */
public interface SessionStore {

  /** Stores or replaces a session. */
  Future<Void> put(SessionSnapshot session);

  /** The session, or null. */
  Future<SessionSnapshot> get(String sessionId);

  /** The session whose current resume token hashes to {@code tokenHash}, or null. */
  Future<SessionSnapshot> findByResumeToken(String tokenHash);

  /**
   * Takes one of {@code principal}'s at most {@code max} session slots for {@code sessionId}, atomically, so that
   * racing hellos cannot all pass a cap; true when taken or already held, false when all are taken.
   */
  Future<Boolean> takeSlot(String principal, String sessionId, int max);

  /** Gives back {@code sessionId}'s slot (the session was closed or forgotten); nothing when it holds none. */
  Future<Void> freeSlot(String principal, String sessionId);

  /** Forgets a session and its journal. */
  Future<Void> remove(String sessionId);

  /**
   * At the start of a gateway that is the store's only user: the sessions of the previous run are no longer
   * attached anywhere, so every slot is given back, sessions whose resume window passed by {@code now} are
   * forgotten with their journals, and those that were attached get a resume window of {@code window} from now.
   * The future is how many sessions remain resumable.
   */
  Future<Integer> afterRestart(Instant now, Duration window);
}
