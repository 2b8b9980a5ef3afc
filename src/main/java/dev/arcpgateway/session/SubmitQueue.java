package dev.arcpgateway.session;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.JobFrame;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps a session's answers to {@code job.submit} in submit order (§7.1) although job runners answer in any
 * order: an answer is written only when every earlier submit was answered. Frames of a job whose acceptance is
 * still waiting are held and written right after it.
 */
final class SubmitQueue {

  /** One submit waiting for its turn. */
  static final class Pending {
    final String requestId;
    final String jobId;
    final String traceId;
    JsonObject reply;
    ArcpException error;
    /**
     * Once accepted, the session follows the job with its history: a submit with a job resume token, or a
     * resubmission of a running job this session does not observe.
     */
    boolean follow;
    final List<JobFrame> held = new ArrayList<>();

    Pending(String requestId, String jobId, String traceId) {
      this.requestId = requestId;
      this.jobId = jobId;
      this.traceId = traceId;
    }

    boolean answered() {
      return reply != null || error != null;
    }
  }

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Map<String, Pending> byJobId = new HashMap<>();

  Pending add(String requestId, String jobId, String traceId) {
    Pending pending = new Pending(requestId, jobId, traceId);
    queue.addLast(pending);
    byJobId.put(jobId, pending);
    return pending;
  }

  /** Holds a job frame if its job was not announced yet; false when it can be written now. */
  boolean hold(String jobId, JobFrame frame) {
    Pending pending = byJobId.get(jobId);
    if (pending == null) {
      return false;
    }
    pending.held.add(frame);
    return true;
  }

  /** Hands every answered submit at the head of the queue to {@code writer}, in order. */
  void drain(Consumer<Pending> writer) {
    while (!queue.isEmpty() && queue.peekFirst().answered()) {
      Pending head = queue.pollFirst();
      byJobId.remove(head.jobId);
      writer.accept(head);
    }
  }

  int size() {
    return queue.size();
  }
}
