package dev.arcpgateway.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Each session's numbered frames, written before the client is sent them, so that a client can resume after the
 * gateway restarted (§6.3) and get exactly what it missed with the {@code event_seq} it was first sent under. A
 * store that does not survive a restart ({@link GatewayStore#survivesRestart()} false) keeps it too, but the
 * gateway then has no reason to write it.
 *
 * <p>Besides the frames, the journal remembers per job how far the session got in the job's own log, and whether
 * it saw the job end: the frames may be dropped once acknowledged, that position stays until the session goes.
 */
public interface SessionJournal {

  /** How many frames one read of a resume asks for. */
  int PAGE = 4096;

  /** Appends frames of one session, in seq order; the future completes once they are stored. */
  Future<Void> append(String sessionId, List<SessionFrame> frames);

  /** Up to {@code limit} frames of the session with a seq greater than {@code afterSeq}, in order. */
  Future<List<Kept>> read(String sessionId, long afterSeq, int limit);

  /** The highest seq ever appended for the session (0 for none), also when its frames were dropped. */
  Future<Long> lastSeq(String sessionId);

  /**
   * Drops the session's frames with a seq above {@code afterSeq} and up to {@code throughSeq}: its client no longer
   * needs them. The lower bound is what the caller already dropped, so that a drop touches only new frames (a
   * database need not walk past the ones deleted before).
   */
  Future<Void> dropRange(String sessionId, long afterSeq, long throughSeq);

  /**
   * The jobs whose end the session has not journaled — those it submitted, and any other it journaled a frame
   * of — each with the highest index of the job's log among the session's frames (0 when none).
   */
  Future<Map<String, Long>> openJobs(String sessionId);

  /**
   * One numbered frame.
   *
   * @param seq      the session's {@code event_seq}
   * @param jobId    the job it is about
   * @param jobIndex its index in the job's log, or 0 for a frame the session made itself (a refusal, a
   *                 back-pressure notice)
   * @param terminal whether it ends the job for this session
   * @param text     the frame as sent
   */
  record SessionFrame(long seq, String jobId, long jobIndex, boolean terminal, String text) {
  }

  /** A journaled frame as a resume replays it: its seq and its text. */
  record Kept(long seq, String text) {
  }
}
