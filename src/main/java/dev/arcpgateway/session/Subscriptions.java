package dev.arcpgateway.session;

import dev.arcpgateway.auth.Audit;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Envelope;
import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.JobResumeToken;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.store.JobSnapshot;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code job.subscribe} / {@code job.unsubscribe} of one session (§7.6, §7.7). A live job is subscribed at its
 * owner (the job runner), which replays history and then streams live frames; a finished job is answered here
 * from the store. Either way the subscriber numbers the frames in its own {@code event_seq} space, gets
 * {@code job.subscribed} after the replay, and never gains cancel authority.
 */
final class Subscriptions {

  private final SessionEnvironment env;
  private final Session session;
  /** Request ids of resume-token submits whose replay is under way: they get no {@code job.subscribed}. */
  private final Set<String> following = new HashSet<>();

  Subscriptions(SessionEnvironment env, Session session) {
    this.env = env;
    this.session = session;
  }

  void subscribe(Envelope envelope) {
    session.require(Feature.SUBSCRIBE, envelope);
    JsonObject payload = envelope.payload();
    String jobId = Fields.optString(payload, "job_id") != null ? Fields.optString(payload, "job_id") : envelope.jobId();
    if (jobId == null) {
      throw ArcpException.invalid("job.subscribe needs payload.job_id");
    }
    boolean history = Fields.optBoolean(payload, "history", false);
    long from = Fields.optLong(payload, "from_event_seq", 0);
    if (from < 0) {
      throw ArcpException.invalid("from_event_seq must not be negative");
    }
    subscribe(jobId, envelope.id(), history, from);
  }

  /**
   * The job a resume token (the seed's §6.3 form) lets this session follow: the token must be the job's current
   * one and the principal must be allowed to observe the job, as for {@code job.subscribe}. A wrong token, an
   * unknown job and another principal's job are refused alike with JOB_NOT_FOUND.
   */
  Future<JobSnapshot> resumable(String token) {
    String jobId;
    try {
      jobId = JobResumeToken.jobIdOf(token);
    } catch (ArcpException malformed) {
      return Future.failedFuture(malformed);
    }
    return env.store().jobs().get(jobId).compose(job -> {
      boolean valid = job != null && Secrets.equal(job.resumeTokenHash(), Secrets.hash(token));
      boolean allowed = valid && env.observePolicy().mayObserve(session.principal.name(), job.principal());
      if (valid) {
        Audit.subscribe(session.principal.name(), jobId, job.principal(), allowed);
      }
      return allowed ? Future.succeededFuture(job) : Future.failedFuture(ArcpException.jobNotFound(jobId));
    });
  }

  /**
   * Follows a job accepted by a submit (its resume token, or a resubmission of a running job): its whole history,
   * then its live frames, with no {@code job.subscribed} (the client asked by submitting and was answered with
   * {@code job.accepted}).
   */
  void follow(String jobId, String requestId) {
    following.add(requestId);
    subscribe(jobId, requestId, true, 0);
  }

  private void subscribe(String jobId, String requestId, boolean history, long from) {
    JobViews.View view = session.jobs().getOrCreate(jobId);
    boolean wasSubscribed = view.subscribed;
    view.subscribed = true;
    JsonObject request = new JsonObject()
        .put("op", "subscribe")
        .put("session_id", session.id)
        .put("principal", session.principal.name())
        .put("request_id", requestId)
        .put("history", history)
        .put("from_event_seq", from)
        .put("lifecycle", session.has(Feature.LIFECYCLE));
    env.routes().requestAnywhere(Addresses.job(jobId), request, Bus.withTimeout(env.options().requestTimeoutMs()))
        .<Object>map(reply -> null)
        .recover(failure -> BusErrors.noHandlers(failure)
            ? subscribeFinished(jobId, requestId, history, from)
            : Future.failedFuture(BusErrors.toArcp(failure)))
        .onFailure(failure -> {
          view.subscribed = wasSubscribed;
          following.remove(requestId);
          session.refuse(requestId, BusErrors.toArcp(failure));
        });
  }

  /** The job is not live: answer from the store (its history, then the descriptor with its final status). */
  private Future<Object> subscribeFinished(String jobId, String requestId, boolean history, long from) {
    return env.store().jobs().get(jobId).compose(job -> {
      String subscriber = session.principal.name();
      if (job == null) {
        Audit.subscribe(subscriber, jobId, null, false);
        return Future.failedFuture(ArcpException.jobNotFound(jobId));
      }
      boolean allowed = env.observePolicy().mayObserve(subscriber, job.principal());
      Audit.subscribe(subscriber, jobId, job.principal(), allowed);
      if (!allowed) {
        return Future.failedFuture(ArcpException.jobNotFound(jobId));
      }
      Future<Integer> replay = history
          ? env.store().events().replay(jobId, from, Long.MAX_VALUE, session::deliverJobFrame)
          : Future.succeededFuture(0);
      return replay.map(replayed -> {
        writeSubscribed(requestId, job.descriptor(null), replayed);
        return null;
      });
    });
  }

  /** The job runner finished the replay of a live job, or could not read its history. */
  void onSubscribed(JsonObject body) {
    JsonObject error = body.getJsonObject("error");
    if (error != null) {
      JobViews.View view = session.jobs().get(body.getString("job_id"));
      if (view != null) {
        view.subscribed = false; // the job runner no longer sends this session the job's frames
      }
      following.remove(body.getString("request_id"));
      session.refuse(body.getString("request_id"), ArcpException.fromPayload(error));
      return;
    }
    JsonObject descriptor = body.getJsonObject("descriptor");
    writeSubscribed(body.getString("request_id"), descriptor, body.getInteger("replayed", 0));
  }

  private void writeSubscribed(String requestId, JsonObject descriptor, int replayed) {
    if (following.remove(requestId)) {
      return;
    }
    JsonObject payload = descriptor.copy()
        .put("request_id", requestId)
        .put("subscribed_from", session.lastSeq())
        .put("replayed", replayed > 0);
    String jobId = descriptor.getString("job_id");
    session.write(Frames.jobFrame(MessageType.JOB_SUBSCRIBED, session.id, jobId, descriptor.getString("trace_id"), 0,
        payload));
  }

  void unsubscribe(Envelope envelope) {
    session.require(Feature.SUBSCRIBE, envelope);
    String jobId = Fields.optString(envelope.payload(), "job_id") != null
        ? Fields.optString(envelope.payload(), "job_id") : envelope.jobId();
    if (jobId == null) {
      throw ArcpException.invalid("job.unsubscribe needs payload.job_id");
    }
    JobViews.View view = session.jobs().get(jobId);
    if (view != null) {
      view.subscribed = false;
      view.submitted = false;
    }
    env.routes().sendAnywhere(Addresses.job(jobId), new JsonObject().put("op", "unsubscribe")
        .put("session_id", session.id), Bus.OPTIONS);
  }
}
