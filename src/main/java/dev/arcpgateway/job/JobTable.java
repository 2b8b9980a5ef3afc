package dev.arcpgateway.job;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.LocalSessions;
import dev.arcpgateway.ops.GatewayMetrics;
import dev.arcpgateway.ops.LiveCount;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.EventKind;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.JsonNesting;
import dev.arcpgateway.protocol.JsonText;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Timestamps;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.telemetry.JobTracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The live jobs of one job-runner instance and the state transitions every part of the runner shares: emitting
 * a job's frames, ending it, persisting snapshots. Used on the instance's event loop only.
 */
final class JobTable {

  private static final System.Logger LOG = System.getLogger(JobTable.class.getName());
  /** Events of one job the store has not confirmed, past which its agent is paused, and below which it resumes. */
  private static final long STORE_LAG_HIGH = 4096;
  private static final long STORE_LAG_LOW = 1024;

  private final Vertx vertx;
  private final GatewayStore store;
  private final Lifecycle lifecycle;
  private final JobTracing tracing;
  private final LiveCount running;
  private final GatewayMetrics metrics;
  private final Map<String, Job> jobs = new HashMap<>();

  JobTable(Vertx vertx, GatewayStore store, Lifecycle lifecycle, JobTracing tracing, LiveCount running,
           GatewayMetrics metrics) {
    this.vertx = vertx;
    this.store = store;
    this.lifecycle = lifecycle;
    this.tracing = tracing;
    this.running = running;
    this.metrics = metrics;
  }

  /** Registers a new job and starts its span. */
  void add(Job job) {
    jobs.put(job.id, job);
    running.added();
    JsonObject constraints = job.grant.getJsonObject("lease_constraints");
    job.span = tracing.start(job.traceId, job.clientTraceparent, job.id, job.agent.toString(), job.sessionId,
        constraints == null ? null : constraints.getString("expires_at"));
  }

  Job get(String jobId) {
    return jobs.get(jobId);
  }

  Collection<Job> all() {
    return jobs.values();
  }

  /**
   * Numbers the frame in the job's own log and sends it to every observing session. An event that could not be
   * written to a client ends the job instead, so that clients get a terminal frame and no gap.
   */
  void emit(Job job, MessageType type, JsonObject payload) {
    String json = JsonText.payload(payload);
    if (json == null) {
      end(job, unwritable(job, "an event"), "the agent sent an event nested too deeply");
      return;
    }
    emit(job, type, payload, json, Future.succeededFuture());
  }

  /**
   * Logs the frame and sends it to the observers once it is stored and {@code before} has answered, in order. A
   * non-terminal event the store refused ends the job (its observers would otherwise miss it); a terminal frame
   * is sent even then, so that clients learn how the job ended.
   */
  private void emit(Job job, MessageType type, JsonObject payload, String json, Future<?> before) {
    long index = ++job.eventIndex;
    job.taken.emitted(json.length());
    JobFrame frame = new JobFrame(type, job.id, job.traceId, index, payload, json, false);
    Future<Void> stored = store.events().append(frame);
    if (!job.storePaused && index - job.storedIndex > STORE_LAG_HIGH) {
      job.storePaused = true; // the agent outruns the store: it waits, instead of the job runner's memory filling
      pace(job, "pause");
    }
    if (job.delivered.isComplete() && stored.isComplete() && before.isComplete()) {
      deliver(job, frame, stored); // the memory store answers at once: no future chain per event
    } else {
      job.delivered = Future.join(job.delivered, stored, before).transform(done -> {
        deliver(job, frame, stored);
        return Future.succeededFuture();
      });
    }
  }

  private void deliver(Job job, JobFrame frame, Future<Void> stored) {
    if (stored.succeeded()) {
      job.storedIndex = frame.index();
    }
    if (job.storePaused && job.eventIndex - frame.index() < STORE_LAG_LOW) {
      job.storePaused = false;
      if (!job.throttled) { // a slow client still holds it paused
        pace(job, "resume");
      }
    }
    if (stored.succeeded() || frame.type() != MessageType.JOB_EVENT) {
      metrics.eventEmitted(); // counted before it is sent: whoever sees the frame sees it counted
      job.observers.send(vertx, frame);
    } else {
      end(job, storeUnavailable(), "the gateway's store is unavailable");
    }
  }

  private void pace(Job job, String op) {
    vertx.eventBus().send(Addresses.agentJob(job.id), new JsonObject().put("op", op), Bus.OPTIONS);
  }

  private static ArcpException storeUnavailable() {
    return new ArcpException(ErrorCode.INTERNAL_ERROR, "store unavailable: an event of the job could not be stored",
        true, null);
  }

  /**
   * A moment before the end (§8.1 queued, §8.2 started, §8.9 heartbeat): published on {@code arcp.lifecycle}
   * and sent as a {@code status} event to the observers, when one of them negotiated the gateway's lifecycle
   * feature (only those write it); {@code started} carries the job's resume token when the submitting session
   * negotiated the feature (the token is minted only then). Not logged: the log's numbering is the one clients count
   * in {@code from_event_seq}, and a replay has no use for these moments.
   */
  void moment(Job job, String moment) {
    lifecycle.publish(moment, job, null);
    if (!job.observers.anyWantLifecycle()) {
      return; // no observer would write it
    }
    JsonObject body = new JsonObject().put("phase", moment);
    if (Lifecycle.STARTED.equals(moment) && job.resumeToken != null) {
      body.put("resume_token", job.resumeToken); // none when only a later subscriber asked for lifecycle events
    }
    JsonObject payload = new JsonObject().put("kind", EventKind.STATUS.wire()).put("ts", Timestamps.now())
        .put("body", body);
    job.observers.send(vertx, new JobFrame(MessageType.JOB_EVENT, job.id, job.traceId, 0, payload, null, true));
  }

  /**
   * A frame only the submitter may see (a rotated credential's value, §14): sent to the submitting session
   * alone and kept out of the log that subscribers replay.
   */
  void emitToSubmitter(Job job, MessageType type, JsonObject payload) {
    vertx.eventBus().send(Addresses.session(job.sessionId), JobFrame.unlogged(type, job.id, job.traceId, payload),
        LocalSessions.options(vertx, job.sessionId));
  }

  /** Ends a job with {@code error}; {@code agentReason}, when set, is passed to the still-running agent. */
  void end(Job job, ArcpException error, String agentReason) {
    JobStatus status = switch (error.code()) {
      case TIMEOUT -> JobStatus.TIMED_OUT;
      case CANCELLED -> JobStatus.CANCELLED;
      default -> JobStatus.ERROR;
    };
    String moment = status == JobStatus.CANCELLED ? Lifecycle.CANCELLED : Lifecycle.FAILED;
    finish(job, status, MessageType.JOB_ERROR, Frames.errorPayload(status.wire(), error), moment,
        error.code().name(), agentReason != null ? agentReason : error.getMessage());
  }

  /** The agent reported failure: always {@code final_status} error, whatever code it chose (§7.3). */
  void failed(Job job, ArcpException error) {
    finish(job, JobStatus.ERROR, MessageType.JOB_ERROR, Frames.errorPayload(JobStatus.ERROR.wire(), error),
        Lifecycle.FAILED, error.code().name(), null);
  }

  /** The one way a job ends: terminal frame, agent told, timers and lease released, snapshot saved. */
  void finish(Job job, JobStatus status, MessageType type, JsonObject payload, String moment, String code,
              String agentReason) {
    if (!job.live()) {
      return;
    }
    Instant endedAt = Instant.now(); // one instant: the frame's completed_at is the stored job's updated_at
    payload.put("completed_at", Timestamps.format(endedAt)); // the Python client requires it on both terminal frames
    String json = JsonText.payload(payload);
    if (json == null) {
      finish(job, JobStatus.ERROR, MessageType.JOB_ERROR, Frames.errorPayload(JobStatus.ERROR.wire(),
          unwritable(job, type == MessageType.JOB_RESULT ? "the result" : "the error")), Lifecycle.FAILED,
          ErrorCode.INTERNAL_ERROR.name(), agentReason);
      return;
    }
    job.status = status;
    metrics.jobEnded(job.agent.toString(), status.wire(), System.nanoTime() - job.createdNanos); // before the frame
    // stored before it is announced: a client that saw the terminal frame and lists its jobs sees it ended
    emit(job, type, payload, json, saveSnapshot(job, endedAt));
    // the agent side learns the job ended, unless it said it left: a still-running agent must stop, its host
    // frees the slot
    job.endOrder = agentReason != null ? new JsonObject().put("op", "cancel").put("reason", agentReason)
        : new JsonObject().put("op", "ended");
    if (agentReason != null || !job.agentLeft) {
      vertx.eventBus().send(Addresses.agentJob(job.id), job.endOrder, Bus.OPTIONS); // its relay's last order
    } else if (job.agentRelay != null) {
      job.agentRelay.unregister();
    }
    if (job.maxRuntimeTimer >= 0) {
      vertx.cancelTimer(job.maxRuntimeTimer);
    }
    jobs.remove(job.id);
    // late requests to the job's address now find no handler, which their senders read as "the job ended"
    job.consumer.unregister();
    releaseLease(job);
    lifecycle.publish(moment, job, code);
    JobTracing.end(job.span, status.wire(), code, payload.getString("message"));
    // once the terminal frame went out (a durable store answers later): the parent's frames that follow from the
    // child's end, and a drain's session.closed, then reach clients after it
    job.delivered.onComplete(sent -> {
      if (job.delegatedBy != null) {
        JsonObject outcome = new JsonObject().put("op", "child_ended")
            .put("delegate_id", job.delegatedBy.getString("delegate_id")).put("child_job_id", job.id)
            .put("type", type.wire()).put("payload", payload);
        vertx.eventBus().send(Addresses.job(job.delegatedBy.getString("job_id")), outcome, Bus.OPTIONS);
      }
      running.removed();
    });
  }

  /** Undoes {@link #add} and the job's address and timer for a job whose creation failed: it never existed. */
  void discard(Job job) {
    jobs.remove(job.id);
    running.removed();
    job.consumer.unregister();
    if (job.maxRuntimeTimer >= 0) {
      vertx.cancelTimer(job.maxRuntimeTimer);
      job.maxRuntimeTimer = -1;
    }
    JobTracing.end(job.span, JobStatus.ERROR.wire(), ErrorCode.INTERNAL_ERROR.name(), "the job could not be created");
  }

  private static ArcpException unwritable(Job job, String what) {
    LOG.log(System.Logger.Level.WARNING, "job {0}: agent {1} sent {2} nested deeper than {3} levels or holding"
        + " values that are not JSON; the job ends", job.id, job.agent, what, JsonNesting.MAX_OUTPUT_DEPTH);
    return new ArcpException(ErrorCode.INTERNAL_ERROR, "the agent sent " + what + " that cannot be sent on: nested"
        + " deeper than " + JsonNesting.MAX_OUTPUT_DEPTH + " levels or holding values that are not JSON");
  }

  void releaseLease(Job job) {
    vertx.eventBus().send(job.leaseAddress, new JsonObject().put("op", "release").put("job_id", job.id),
        Bus.LOCAL);
  }

  /**
   * Moves the stored job to its current status by compare-and-set from the status last stored. The store applies
   * one job's moves in the order they were asked for, so its end need not wait for the answer to its start. The
   * future fails when the store refused or another writer moved the job first.
   */
  Future<Void> saveSnapshot(Job job) {
    return saveSnapshot(job, Instant.now());
  }

  private Future<Void> saveSnapshot(Job job, Instant at) {
    JobStatus from = job.snapshot.status();
    JobStatus to = job.status;
    job.snapshot = job.snapshot.withStatus(to, at);
    Future<Void> written = store.jobs().transition(job.id, from, to, at)
        .compose(moved -> moved ? Future.<Void>succeededFuture() : Future.failedFuture(new IllegalStateException(
            "job " + job.id + " was no longer " + from.wire() + " in the store")));
    return written.onFailure(e -> {
      if (!(e instanceof ArcpException)) { // "store unavailable" is the store's to log, once per outage
        LOG.log(System.Logger.Level.WARNING, "could not store job " + job.id + " as " + to.wire() + ": "
            + e.getMessage());
      }
    });
  }

  /** The agent stopped reporting: the process died or hangs (seed row §8.9). */
  void lost(Job job) {
    end(job, new ArcpException(ErrorCode.INTERNAL_ERROR, "lost contact with agent " + job.agent, true,
        new JsonObject().put("agent", job.agent.toString()).put("reason", "agent stopped heartbeating")),
        "agent lost");
  }
}
