package dev.arcpgateway.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one session knows of the jobs it sees: whether it submitted or subscribed to each, the last
 * {@code event_seq} it gave the job's frames (listings report it), and whether the job ended. Ended jobs are
 * remembered up to a count, oldest forgotten first.
 */
final class JobViews {

  static final int REMEMBERED_ENDED_JOBS = 10_000;

  /** One job as this session sees it. */
  static final class View {
    boolean submitted;
    boolean subscribed;
    long lastSeq;
    /** The index in the job's log of the last frame taken, so that one arriving twice is taken once. */
    long lastIndex;
    boolean ended;
    /** The result being reassembled when the session did not negotiate result_chunk, else null. */
    InlineResult inline;
    /** The text of the fields every {@code job.event} frame of the job repeats, once the first is written. */
    String eventFields;

    boolean observing() {
      return submitted || subscribed;
    }
  }

  private final Map<String, View> live = new LinkedHashMap<>();
  private final LinkedHashMap<String, View> ended = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, View> eldest) {
      return size() > REMEMBERED_ENDED_JOBS;
    }
  };

  View get(String jobId) {
    View view = live.get(jobId);
    return view != null ? view : ended.get(jobId);
  }

  View getOrCreate(String jobId) {
    View view = get(jobId);
    if (view == null) {
      view = new View();
      live.put(jobId, view);
    }
    return view;
  }

  /** Records a delivered frame; a terminal frame moves the job to the ended ones. */
  void delivered(String jobId, long seq, boolean terminal) {
    View view = getOrCreate(jobId);
    view.lastSeq = seq;
    if (terminal && !view.ended) {
      view.ended = true;
      live.remove(jobId);
      ended.put(jobId, view);
    }
  }

  /** Live jobs this session submitted. */
  Iterable<String> submittedLive() {
    List<String> out = new ArrayList<>();
    live.forEach((id, view) -> {
      if (view.submitted) {
        out.add(id);
      }
    });
    return out;
  }

  boolean anyLive() {
    return !live.isEmpty();
  }
}
