package dev.arcpgateway.session;

import dev.arcpgateway.auth.Principal;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Envelope;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.protocol.Timestamps;
import dev.arcpgateway.store.SessionSnapshot;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One ARCP session (§6): its negotiated features, its {@code event_seq} counter, the resume buffer and token,
 * and the dispatch of everything its client sends. Lives on its session verticle's event loop and is reached at
 * {@link Addresses#session(String)} by the transport (client frames, connection state), the job runner (job
 * frames) and reconnecting transports (resume).
 *
 * <p>A session outlives its transport: when the connection drops (or the client closes), it is parked, keeps
 * numbering and buffering its jobs' frames, and can be resumed until the resume window passes.
 */
final class Session {

  private static final System.Logger LOG = System.getLogger(Session.class.getName());

  private final SessionEnvironment env;
  private final EventBus bus;
  final String id;
  final Principal principal;
  private final Instant createdAt = Instant.now();
  private final ResumeBuffer buffer;
  private final Outbox outbox;
  private final SubmitQueue submits = new SubmitQueue();
  private Set<String> features;
  private long nextSeq = 1;
  private String tokenHash;
  private MessageConsumer<JsonObject> consumer;
  private long expiryTimer = -1;

  private Session(SessionEnvironment env, String id, Principal principal, Set<String> features) {
    this.env = env;
    this.bus = env.vertx().eventBus();
    this.id = id;
    this.principal = principal;
    this.features = features;
    this.buffer = new ResumeBuffer(env.options().resumeBufferMaxEvents(), env.options().resumeBufferMaxBytes());
    this.outbox = new Outbox(bus, env.context());
  }

  /** Opens a new session on {@code connectionId} and welcomes its client. */
  static Future<Session> open(SessionEnvironment env, Principal principal, Set<String> requestedFeatures,
                              String connectionId) {
    Session session = new Session(env, Ids.session(), principal,
        Feature.intersect(env.runtimeFeatures(), requestedFeatures));
    session.consumer = env.vertx().eventBus().consumer(Addresses.session(session.id), session::handle);
    return session.consumer.completion()
        .compose(v -> {
          env.sessions().put(session.id, session);
          return session.attach(connectionId, 0);
        })
        .map(session);
  }

  // ---- transport attachment, resume, parking -----------------------------------------------------------

  /** Attaches a connection, rotates the token, welcomes, and replays everything after {@code lastSeenSeq}. */
  private Future<Void> attach(String connectionId, long lastSeenSeq) {
    if (expiryTimer >= 0) {
      env.vertx().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    outbox.attach(connectionId);
    String token = Secrets.token("rt_");
    tokenHash = Secrets.hash(token);
    outbox.write(Welcome.frame(env.options(), id, token, features, env.inventory().current().toJson()).encode());
    buffer.after(lastSeenSeq).forEach(outbox::write);
    return env.store().sessions().put(new SessionSnapshot(id, principal.name(), tokenHash, createdAt, null));
  }

  /** A transport asks to continue this session (§6.3); refusals are RESUME_WINDOW_EXPIRED. */
  private Future<JsonObject> resume(JsonObject request) {
    String token = request.getString("resume_token");
    String claimed = request.getString("principal");
    long lastSeen = request.getLong("last_event_seq", 0L);
    if (token == null || !Secrets.equal(tokenHash, Secrets.hash(token))) {
      return Future.failedFuture(expired("the resume token is not current"));
    }
    if (claimed != null && !claimed.equals(principal.name())) {
      return Future.failedFuture(expired("the resume token is not current"));
    }
    if (!buffer.covers(lastSeen)) {
      return Future.failedFuture(expired("events after last_event_seq " + lastSeen
          + " are no longer buffered (this session has sent up to " + buffer.lastSeq() + ")"));
    }
    if (outbox.attached()) {
      outbox.close(4001, "session resumed on another connection");
    }
    JsonArray requested = request.getJsonArray("features");
    if (requested != null) {
      Set<String> wanted = new LinkedHashSet<>();
      requested.forEach(f -> wanted.add(String.valueOf(f)));
      features = Feature.intersect(env.runtimeFeatures(), wanted);
    }
    return attach(request.getString("connection_id"), lastSeen).map(v -> new JsonObject().put("session_id", id));
  }

  private static ArcpException expired(String message) {
    return new ArcpException(ErrorCode.RESUME_WINDOW_EXPIRED, message);
  }

  /** The transport is gone: keep running and buffering until the resume window passes. */
  private void park() {
    outbox.attach(null);
    if (expiryTimer < 0) {
      expiryTimer = env.vertx().setTimer(TimeUnit.SECONDS.toMillis(env.options().resumeWindowSec()),
          t -> destroy());
    }
  }

  private void destroy() {
    expiryTimer = -1;
    env.sessions().remove(id);
    consumer.unregister();
    env.store().sessions().remove(id);
  }

  // ---- the session's address ----------------------------------------------------------------------------

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    String op = body.getString("op", "");
    switch (op) {
      case "job" -> onJobFrame(body);
      case "frame" -> {
        if (fromCurrent(body)) {
          onClientFrame(body.getString("text"));
        }
      }
      case "oversize" -> {
        if (fromCurrent(body)) {
          refuse(null, ArcpException.invalid("frame of " + body.getLong("bytes")
              + " bytes exceeds the limit of " + env.options().maxFrameBytes() + " bytes"));
        }
      }
      case "cancelled" -> onCancelled(body);
      case "detached" -> {
        if (fromCurrent(body)) {
          park();
        }
      }
      case "paused" -> {
        if (fromCurrent(body)) {
          outbox.pause();
        }
      }
      case "drained" -> {
        if (fromCurrent(body)) {
          outbox.resume();
        }
      }
      case "resume" -> resume(body).onComplete(result -> {
        if (result.succeeded()) {
          message.reply(result.result(), Bus.OPTIONS);
        } else {
          BusErrors.fail(message, result.cause());
        }
      });
      default -> LOG.log(System.Logger.Level.WARNING, "session {0}: unknown op {1}", id, op);
    }
  }

  private boolean fromCurrent(JsonObject body) {
    return outbox.attached() && outbox.connectionId().equals(body.getString("connection_id"));
  }

  // ---- client frames -----------------------------------------------------------------------------------

  private void onClientFrame(String text) {
    Optional<Envelope> parsed;
    try {
      parsed = Envelope.parse(text);
    } catch (Envelope.InvalidFrameException e) {
      refuse(e.requestId(), e);
      return;
    }
    if (parsed.isEmpty()) {
      return;
    }
    Envelope envelope = parsed.get();
    try {
      dispatch(envelope);
    } catch (ArcpException e) {
      refuse(envelope.id(), e);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "session " + id + ": failed on " + envelope.type().wire(), e);
      refuse(envelope.id(), ArcpException.from(e));
    }
  }

  private void dispatch(Envelope envelope) {
    switch (envelope.type()) {
      case JOB_SUBMIT -> submit(envelope);
      case JOB_CANCEL -> cancel(envelope);
      case SESSION_PING -> write(Frames.frame(MessageType.SESSION_PONG, id, new JsonObject()
          .put("ping_nonce", Fields.optString(envelope.payload(), "nonce"))
          .put("received_at", Timestamps.now())));
      case SESSION_PONG -> {
        // any inbound frame already counts as liveness
      }
      case SESSION_ACK -> ack(envelope);
      case SESSION_CLOSE -> close(envelope);
      case SESSION_HELLO, SESSION_RESUME -> throw ArcpException.invalid("this connection already has session " + id);
      case SESSION_LIST_JOBS, JOB_SUBSCRIBE, JOB_UNSUBSCRIBE ->
          throw ArcpException.invalid(envelope.type().wire() + " is not offered by this runtime");
      case SESSION_WELCOME, SESSION_ERROR, SESSION_JOBS, SESSION_CLOSED, JOB_ACCEPTED, JOB_EVENT, JOB_RESULT,
           JOB_ERROR, JOB_CANCELLED, JOB_SUBSCRIBED ->
          throw ArcpException.invalid(envelope.type().wire() + " is sent by runtimes, not clients");
    }
  }

  private void ack(Envelope envelope) {
    Long seq = Fields.optLong(envelope.payload(), "last_processed_seq");
    if (seq == null || seq < 0) {
      throw ArcpException.invalid("last_processed_seq must be a non-negative integer");
    }
    buffer.ack(seq);
  }

  private void close(Envelope envelope) {
    JsonObject payload = new JsonObject();
    String reason = Fields.optString(envelope.payload(), "reason");
    if (reason != null) {
      payload.put("reason", reason);
    }
    write(Frames.frame(MessageType.SESSION_CLOSED, id, payload));
    outbox.close(1000, "session closed");
    park();
  }

  // ---- jobs --------------------------------------------------------------------------------------------

  private void submit(Envelope envelope) {
    SubmitQueue.Pending pending = submits.add(envelope.id(), Ids.job(), envelope.traceId());
    JsonObject request = new JsonObject()
        .put("session_id", id)
        .put("principal", principal.name())
        .put("request_id", envelope.id())
        .put("trace_id", envelope.traceId())
        .put("job_id", pending.jobId)
        .put("payload", envelope.payload());
    bus.<JsonObject>request(Addresses.JOB_SUBMIT, request, Bus.withTimeout(env.options().requestTimeoutMs()))
        .onComplete(answer -> {
          if (answer.succeeded()) {
            pending.reply = answer.result().body();
          } else {
            pending.error = BusErrors.toArcp(answer.cause());
          }
          submits.drain(this::answerSubmit);
        });
  }

  private void answerSubmit(SubmitQueue.Pending pending) {
    if (pending.error != null) {
      // the Java client correlates the jobless form by id, the TypeScript client needs a job_id (wire-notes §13.1)
      write(Frames.requestError(id, pending.requestId, null, pending.traceId, pending.error));
      writeSequenced(MessageType.JOB_ERROR, pending.jobId, pending.traceId,
          Frames.errorPayload("error", pending.error));
      return;
    }
    JsonObject accepted = pending.reply.getJsonObject("accepted").copy().put("request_id", pending.requestId);
    String jobId = pending.reply.getString("job_id");
    write(Frames.jobFrame(MessageType.JOB_ACCEPTED, id, jobId, accepted.getString("trace_id"), 0, accepted));
    pending.held.forEach(this::deliverJobFrame);
  }

  private void cancel(Envelope envelope) {
    String jobId = envelope.jobId() != null ? envelope.jobId() : Fields.optString(envelope.payload(), "job_id");
    if (jobId == null) {
      throw ArcpException.invalid("job.cancel needs the job_id in the envelope");
    }
    JsonObject request = new JsonObject()
        .put("op", "cancel")
        .put("principal", principal.name())
        .put("session_id", id)
        .put("request_id", envelope.id())
        .put("reason", Fields.optString(envelope.payload(), "reason"));
    bus.request(Addresses.job(jobId), request, Bus.withTimeout(env.options().requestTimeoutMs()))
        .recover(failure -> BusErrors.noHandlers(failure) ? finishedOrUnknown(jobId)
            : Future.failedFuture(BusErrors.toArcp(failure)))
        .onFailure(failure -> write(Frames.requestError(id, envelope.id(), jobId, envelope.traceId(),
            BusErrors.toArcp(failure))));
  }

  /** Nobody owns the job any more: it ended (cancel is too late) or never existed for this principal. */
  private <T> Future<T> finishedOrUnknown(String jobId) {
    return env.store().jobs().get(jobId).compose(job -> {
      if (job == null || !job.principal().equals(principal.name())) {
        return Future.failedFuture(new ArcpException(ErrorCode.JOB_NOT_FOUND, "no job " + jobId));
      }
      return Future.failedFuture(ArcpException.invalid("job " + jobId + " already ended (" + job.status().wire()
          + "); there is nothing to cancel"));
    });
  }

  private void onCancelled(JsonObject body) {
    JsonObject payload = new JsonObject().put("job_id", body.getString("job_id"))
        .put("request_id", body.getString("request_id"));
    if (body.getString("reason") != null) {
      payload.put("reason", body.getString("reason"));
    }
    write(Frames.jobFrame(MessageType.JOB_CANCELLED, id, body.getString("job_id"), null, 0, payload));
  }

  private void onJobFrame(JsonObject frame) {
    if (!submits.hold(frame.getString("job_id"), frame)) {
      deliverJobFrame(frame);
    }
  }

  private void deliverJobFrame(JsonObject frame) {
    JsonObject payload = frame.getJsonObject("payload");
    if ("progress".equals(payload.getValue("kind")) && !features.contains(Feature.PROGRESS)) {
      return; // not negotiated: the client did not ask for progress events (§6.2)
    }
    writeSequenced(MessageType.fromWire(frame.getString("type")), frame.getString("job_id"),
        frame.getString("trace_id"), payload);
  }

  // ---- writing -----------------------------------------------------------------------------------------

  /** Writes a frame that carries no {@code event_seq}. */
  private void write(JsonObject frame) {
    outbox.write(frame.encode());
  }

  /** Numbers, buffers and writes a {@code job.event}, {@code job.result} or {@code job.error} (§8.3). */
  private void writeSequenced(MessageType type, String jobId, String traceId, JsonObject payload) {
    long seq = nextSeq++;
    String text = Frames.jobFrame(type, id, jobId, traceId, seq, payload).encode();
    buffer.append(seq, text);
    outbox.write(text);
  }

  /**
   * Answers a request this session refuses: {@code session.error} with {@code details.request_id} (TypeScript,
   * Python), plus the jobless {@code job.error} echoing the request id that the Java client waits for.
   */
  private void refuse(String requestId, ArcpException error) {
    write(Frames.sessionError(id, error, requestId));
    if (requestId != null) {
      write(Frames.requestError(id, requestId, null, null, error));
    }
  }
}
