package dev.arcpgateway.session;

import dev.arcpgateway.auth.Principal;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.bus.LocalSessions;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Envelope;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JsonText;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.protocol.Timestamps;
import dev.arcpgateway.store.SessionJournal;
import dev.arcpgateway.store.SessionSnapshot;
import dev.arcpgateway.telemetry.JobTracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One ARCP session (§6): its negotiated features, its {@code event_seq} counter, the resume buffer and token,
 * liveness, flow control, and the dispatch of everything its client sends. Lives on its session verticle's event
 * loop and is reached at {@link Addresses#session(String)} by the transport (client frames, connection state),
 * the job runner (job frames) and reconnecting transports (resume).
 *
 * <p>A session outlives its transport: when the connection drops, the heartbeat is lost, or the client closes,
 * it is parked, keeps numbering and buffering its jobs' frames, and can be resumed until the resume window
 * passes.
 */
final class Session {

  private static final System.Logger LOG = System.getLogger(Session.class.getName());
  /** Close code when a client stops answering heartbeats (4000-4999: application codes). */
  static final int CLOSE_HEARTBEAT_LOST = 4002;
  /** Close code when a client reads so slowly that its backlog outgrew the buffer caps. */
  static final int CLOSE_TOO_SLOW = 4008;
  /** Close code when another connection resumed this session. */
  static final int CLOSE_TAKEN_OVER = 4001;
  /** Close code when the gateway shuts down (RFC 6455 §7.4.1: going away). */
  static final int CLOSE_GOING_AWAY = 1001;

  private final SessionEnvironment env;
  private final EventBus bus;
  final String id;
  final Principal principal;
  private final Instant createdAt;
  private final BufferBudget.Account budget;
  private final ResumeBuffer buffer;
  private final ParkedReplies parked;
  private final Outbox outbox;
  private final SubmitQueue submits = new SubmitQueue();
  private final JobViews jobs = new JobViews();
  private final Subscriptions subscriptions;
  private final WriteAhead ahead;
  private final JournalDrops journalDrops;
  private Set<String> features;
  private long nextSeq = 1;
  private String tokenHash;
  private MessageConsumer<Object> consumer;
  private long expiryTimer = -1;
  private long lastInboundNanos = System.nanoTime();
  private long lastPingNanos = System.nanoTime();
  private long lastActivityNanos = System.nanoTime();
  private final FlowControl flow;
  /** False once closed (§6.7): a closed session stays resumable but no longer counts against the cap. */
  private boolean holdsSlot = true;
  /** The last write of this session's record: each waits for the one before, so the newest always lands last. */
  private Future<Void> snapshotSaved = Future.succeededFuture();

  private Session(SessionEnvironment env, String id, Principal principal, Set<String> features, Instant createdAt) {
    this.env = env;
    this.bus = env.vertx().eventBus();
    this.id = id;
    this.principal = principal;
    this.features = features;
    this.createdAt = createdAt;
    this.budget = env.budget().open(env.context(), this::forgetForBudget, this::trimForBudget);
    this.buffer = new ResumeBuffer(env.options().resumeBufferMaxEvents(), env.options().resumeBufferMaxBytes(),
        budget::change);
    this.parked = new ParkedReplies(env.options().resumeBufferMaxEvents(), env.options().resumeBufferMaxBytes(),
        budget::change);
    this.outbox = new Outbox(bus, env.context(), parked, this::afterFlush);
    this.flow = new FlowControl(env.options(), env.routes(), id, outbox, buffer, jobs::submittedLive,
        this::tooSlow);
    this.subscriptions = new Subscriptions(env, this);
    SessionJournal journal = env.store().survivesRestart() ? env.store().journal() : null;
    this.ahead = new WriteAhead(env.vertx(), env.context(), journal, id);
    this.journalDrops = new JournalDrops(journal, id);
  }

  /** Opens session {@code id}, which holds a slot of its principal, on {@code connectionId} and welcomes its client. */
  static Future<Session> open(SessionEnvironment env, String id, Principal principal, Set<String> requestedFeatures,
                              String connectionId) {
    Session session = new Session(env, id, principal,
        Feature.intersect(env.runtimeFeatures(), requestedFeatures), Instant.now());
    session.consumer = env.vertx().eventBus().<Object>consumer(Addresses.session(session.id), session::handle);
    return session.consumer.completion()
        .onFailure(failure -> session.budget.close()) // it never came to be
        .compose(v -> {
          env.sessions().put(session.id, session);
          LocalSessions.add(env.vertx(), session.id);
          return session.attach(connectionId, 0, false).onFailure(failure -> session.destroy());
        })
        .map(session);
  }

  /**
   * Brings back a session of a previous run of the gateway from the store, for a client that resumes it after a
   * restart (§6.3): its record, the journaled frames after {@code last_event_seq}, then what its jobs logged that
   * it had not yet journaled (their ends, written by the restart sweep). Refused exactly like a resume of a
   * session this process knows.
   */
  static Future<JsonObject> restore(SessionEnvironment env, SessionSnapshot stored, JsonObject request) {
    String token = request.getString("resume_token");
    String claimed = request.getString("principal");
    if (stored == null || stored.delegated() || token == null
        || !Secrets.equal(stored.resumeTokenHash(), Secrets.hash(token))
        || claimed != null && !claimed.equals(stored.principal())
        || stored.expiresAt() != null && !stored.expiresAt().isAfter(Instant.now())) {
      return Future.failedFuture(notResumable());
    }
    long lastSeen = request.getLong("last_event_seq", 0L);
    Session session = new Session(env, stored.sessionId(), new Principal(stored.principal(), stored.scopes()),
        new LinkedHashSet<>(stored.features()), stored.createdAt());
    session.tokenHash = stored.resumeTokenHash();
    return JournaledFrames.after(env.store().journal(), session.id, lastSeen, env.options().resumeBufferMaxEvents())
        .compose(kept -> SessionSlots.take(env, session.principal.name(), session.id).map(kept))
        .onFailure(failure -> session.budget.close())
        .compose(kept -> {
          session.nextSeq = kept.lastSeq() + 1;
          session.buffer.startAfter(lastSeen);
          kept.frames().forEach(frame -> session.buffer.append(frame.seq(), frame.text()));
          if (!session.buffer.covers(lastSeen)) {
            return session.discard(expired("the events after last_event_seq " + lastSeen + " are more than the"
                + " resume buffer holds"));
          }
          session.consumer = env.vertx().eventBus().<Object>consumer(Addresses.session(session.id), session::handle);
          return session.consumer.completion()
              .recover(failure -> session.discard(failure))
              .compose(v -> {
                // this process owns the session from now on: a failure below leaves it parked and resumable here
                env.sessions().put(session.id, session);
                LocalSessions.add(env.vertx(), session.id);
                return session.catchUp().compose(caught -> session.takeOver(request)).onFailure(failure -> {
                  if (!session.outbox.attached()) {
                    session.park();
                  }
                });
              });
        });
  }

  /** Gives up a session that was being brought back before it took its address: its slot and its buffer. */
  private <T> Future<T> discard(Throwable failure) {
    freeSlot();
    budget.close();
    return Future.failedFuture(failure);
  }

  /** Journals what the session's unfinished jobs logged after the last frame it journaled of each. */
  private Future<Void> catchUp() {
    return env.store().journal().openJobs(id).compose(open -> {
      Future<Void> chain = Future.succeededFuture();
      for (var job : open.entrySet()) {
        jobs.getOrCreate(job.getKey()).submitted = true;
        chain = chain.compose(v -> env.store().events().replay(job.getKey(), job.getValue(), Long.MAX_VALUE,
            this::deliverOnce).mapEmpty());
      }
      return chain;
    });
  }

  boolean has(String feature) {
    return features.contains(feature);
  }

  // ---- transport attachment, resume, parking -----------------------------------------------------------

  /**
   * Attaches a connection, rotates the token, welcomes, and replays everything after {@code lastSeenSeq}: the
   * buffered seq-bearing frames and, each in its place among them, the answers no transport took.
   */
  private Future<Void> attach(String connectionId, long lastSeenSeq, boolean resuming) {
    if (expiryTimer >= 0) {
      env.vertx().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    String token = Secrets.token("rt_");
    tokenHash = Secrets.hash(token);
    // stored before the client learns it: a token a client holds is one a restarted gateway knows
    return saveSnapshot(null).compose(v -> {
      Promise<Void> attached = Promise.promise();
      ahead.after(() -> { // what was journaled before comes first, through the buffer
        outbox.attach(connectionId);
        budget.attached();
        lastInboundNanos = lastActivityNanos = lastPingNanos = System.nanoTime();
        sendLive(Welcome.frame(env.options(), id, token, features, env.inventory().current().toJson()));
        int replayed = replay(lastSeenSeq);
        if (resuming) {
          env.metrics().replayed(replayed);
        }
        attached.complete();
      });
      return attached.future();
    });
  }

  /** Writes this session's record, resumable until {@code expiresAt} (null while attached), after the last one. */
  private Future<Void> saveSnapshot(Instant expiresAt) {
    SessionSnapshot snapshot = new SessionSnapshot(id, principal.name(), tokenHash, createdAt, expiresAt,
        principal.scopes(), List.copyOf(features), principal.delegationToken() != null);
    snapshotSaved = snapshotSaved.transform(previous -> env.store().sessions().put(snapshot));
    return env.onLoop(snapshotSaved);
  }

  /**
   * Writes the buffered frames after {@code lastSeenSeq} and, each after the frame it followed, the parked answers;
   * returns how many frames were written.
   */
  private int replay(long lastSeenSeq) {
    ArrayDeque<ParkedReplies.Reply> replies = parked.takeAll();
    int frames = replies.size();
    for (ResumeBuffer.Entry entry : buffer.after(lastSeenSeq)) {
      frames++;
      while (!replies.isEmpty() && replies.peekFirst().afterSeq() < entry.seq()) {
        outbox.writeReply(replies.pollFirst().frame());
      }
      outbox.write(entry.seq(), entry.frame());
    }
    replies.forEach(reply -> outbox.writeReply(reply.frame()));
    return frames;
  }

  /**
   * A transport asks to continue this session (§6.3); refusals are RESUME_WINDOW_EXPIRED, or PERMISSION_DENIED
   * when a closed session's principal has no slot left for it.
   */
  private Future<JsonObject> resume(JsonObject request) {
    ArcpException refusal = resumeRefusal(request);
    if (refusal != null) {
      return Future.failedFuture(refusal);
    }
    if (holdsSlot) {
      return takeOver(request);
    }
    return SessionSlots.take(env, principal.name(), id).compose(v -> {
      holdsSlot = true;
      ArcpException late = resumeRefusal(request); // taking the slot took turns of the loop: check again
      if (late == null && env.sessions().get(id) == this) {
        return takeOver(request);
      }
      if (!outbox.attached()) { // neither resumed meanwhile nor resumable: the slot is not this session's
        freeSlot();
      }
      return Future.failedFuture(late != null ? late : notResumable());
    });
  }

  private ArcpException resumeRefusal(JsonObject request) {
    String token = request.getString("resume_token");
    String claimed = request.getString("principal");
    long lastSeen = request.getLong("last_event_seq", 0L);
    if (token == null || !Secrets.equal(tokenHash, Secrets.hash(token))
        || claimed != null && !claimed.equals(principal.name())) {
      return notResumable();
    }
    if (!buffer.covers(lastSeen)) {
      return expired("events after last_event_seq " + lastSeen
          + " are no longer buffered (this session has sent up to " + buffer.lastSeq() + ")");
    }
    if (!parked.covers(lastSeen)) {
      return expired("answers to requests sent before the connection dropped are no longer buffered");
    }
    return null;
  }

  /** Takes the session from the connection that holds it, if any, and attaches the resuming one. */
  private Future<JsonObject> takeOver(JsonObject request) {
    long lastSeen = request.getLong("last_event_seq", 0L);
    if (outbox.attached()) {
      // what still waits for the old connection is replayed on the new one, answers included
      outbox.abort(CLOSE_TAKEN_OVER, "session resumed on another connection");
    }
    JsonArray requested = request.getJsonArray("features");
    if (requested != null) {
      Set<String> wanted = new LinkedHashSet<>();
      requested.forEach(f -> wanted.add(String.valueOf(f)));
      features = Feature.intersect(env.runtimeFeatures(), wanted);
    }
    return attach(request.getString("connection_id"), lastSeen, true)
        .onFailure(failure -> park()) // the store refused the new token: resumable as before, until the window passes
        .map(v -> new JsonObject().put("session_id", id));
  }

  /**
   * The one refusal for a session that cannot be resumed by this caller: unknown, gone, or presented with a token or
   * principal that is not its own. One code and one message, so nobody can tell another principal's session from a
   * missing one (§6.6, §14).
   */
  static ArcpException notResumable() {
    return expired("the session cannot be resumed: it is unknown, its resume window has passed, or the resume token"
        + " is not current");
  }

  static ArcpException expired(String message) {
    return new ArcpException(ErrorCode.RESUME_WINDOW_EXPIRED, message);
  }

  /** The transport is gone: keep running and buffering until the resume window passes. */
  private void park() {
    outbox.detach();
    flow.parked();
    budget.parked();
    if (expiryTimer < 0) {
      long windowMs = TimeUnit.SECONDS.toMillis(env.options().resumeWindowSec());
      expiryTimer = env.vertx().setTimer(windowMs, t -> destroy());
      saveSnapshot(Instant.now().plusMillis(windowMs)); // a failure was logged by the store; the window still holds
    }
  }

  /** Whether no transport is attached (the session waits for a resume). */
  boolean parked() {
    return !outbox.attached();
  }

  /**
   * The gateway shuts down (drain) and its jobs have ended: the client is told with {@code session.closed} and
   * its socket closed with 1001 (going away). The session stays parked, resumable until the process ends.
   */
  void goingAway() {
    ahead.after(() -> { // after its jobs' last frames
      if (outbox.attached()) {
        sendLive(Frames.frame(MessageType.SESSION_CLOSED, id, new JsonObject()
            .put("reason", "the gateway is shutting down")));
        outbox.close(CLOSE_GOING_AWAY, "going away");
        park();
      }
    });
  }

  /** The refusal while the gateway drains: retryable, as another node (or this one, restarted) will take it. */
  static ArcpException draining(String what) {
    return new ArcpException(ErrorCode.INTERNAL_ERROR, "the gateway is shutting down and " + what
        + "; retry on another node or once it is back", true, null);
  }

  /** Forgets the session: it can no longer be resumed; its jobs carry on. */
  void destroy() {
    if (expiryTimer >= 0) {
      env.vertx().cancelTimer(expiryTimer);
    }
    expiryTimer = -1;
    ahead.close();
    env.sessions().remove(id);
    LocalSessions.remove(env.vertx(), id);
    // requests already on their way (a resume, a transport's "detached") still get an answer, then the address goes
    consumer.handler(Session::answerGone);
    env.vertx().setTimer(env.options().requestTimeoutMs(), t -> consumer.unregister());
    env.store().sessions().remove(id);
    freeSlot();
    budget.close();
  }

  /** What a destroyed session's address answers until it is gone: a resume cannot be made, anything else is moot. */
  private static void answerGone(Message<Object> message) {
    if (message.body() instanceof JsonObject body && "resume".equals(body.getString("op"))) {
      BusErrors.fail(message, notResumable());
    } else if (message.replyAddress() != null) {
      message.reply(new JsonObject(), Bus.OPTIONS);
    }
  }

  /** The gateway-wide buffer budget is exhausted and this parked session is the longest parked. */
  private void forgetForBudget() {
    if (outbox.attached()) {
      return; // resumed meanwhile: a later pass trims it if memory is still short
    }
    LOG.log(System.Logger.Level.INFO, "forgetting parked session {0} of {1}: the gateway''s buffer budget of {2}"
        + " bytes is exhausted", id, principal.name(), env.budget().limit());
    destroy();
  }

  /**
   * The gateway-wide buffer budget is exhausted and this attached session holds much of it: give up what the
   * transport already has, and close if the client does not read while the rest is more than {@code closeAbove}.
   */
  private void trimForBudget(long closeAbove) {
    if (!outbox.attached()) {
      return; // parked meanwhile: a later pass forgets it if memory is still short
    }
    buffer.trimThrough(outbox.lastSentSeq());
    if (outbox.stalled() && buffer.bytes() > closeAbove) {
      LOG.log(System.Logger.Level.INFO, "closing session {0} of {1}: its client is not reading and the gateway''s"
          + " buffer budget of {2} bytes is exhausted", id, principal.name(), env.budget().limit());
      ArcpException error = new ArcpException(ErrorCode.INTERNAL_ERROR, "the gateway is short of memory for"
          + " buffered events and this client is not reading: the session is closed and its events are no longer"
          + " kept (a resume gets RESUME_WINDOW_EXPIRED); open a new session",
          new JsonObject().put("buffer_budget_bytes", env.budget().limit()));
      outbox.abortWith(Frames.sessionError(id, error, null).encode(), CLOSE_TOO_SLOW,
          ErrorCode.INTERNAL_ERROR.name() + ": buffer budget exhausted");
      flow.parked(); // its jobs are no longer held back for it
      destroy();
    }
  }

  private Future<Void> freeSlot() {
    if (!holdsSlot) {
      return Future.succeededFuture();
    }
    holdsSlot = false;
    return SessionSlots.free(env, principal.name(), id);
  }

  // ---- liveness (called by the verticle's sweep) ---------------------------------------------------------

  /**
   * Heartbeats (§6.4): ping once per interval whatever else is flowing, so that a client that only reads a long
   * stream still has something to answer; drop the transport (never the jobs) when nothing at all came in for two
   * intervals; and evict sessions that only ever heartbeat (§14).
   */
  void tick(long now) {
    if (!outbox.attached()) {
      return;
    }
    long interval = TimeUnit.SECONDS.toNanos(env.options().heartbeatIntervalSec());
    if (has(Feature.HEARTBEAT)) {
      if (now - lastInboundNanos > 2 * interval) {
        outbox.parkReplies(); // the client is presumed gone: its answers wait for its resume, not for this socket
        sendLive(Frames.sessionError(id, new ArcpException(ErrorCode.HEARTBEAT_LOST,
            "no message from the client for two heartbeat intervals"), null));
        outbox.close(CLOSE_HEARTBEAT_LOST, ErrorCode.HEARTBEAT_LOST.name());
        park();
        return;
      }
      if (now - lastPingNanos >= interval) {
        lastPingNanos = now;
        writeLive(Frames.frame(MessageType.SESSION_PING, id, new JsonObject()
            .put("nonce", Ids.nonce()).put("sent_at", Timestamps.now())));
      }
    }
    long idleLimit = TimeUnit.SECONDS.toNanos(env.options().idleSessionEvictSec());
    if (idleLimit > 0 && !jobs.anyLive() && submits.size() == 0 && now - lastActivityNanos > idleLimit) {
      LOG.log(System.Logger.Level.INFO, "evicting session {0} of {1}: no throughput for {2} s", id,
          principal.name(), env.options().idleSessionEvictSec());
      sendLive(Frames.sessionError(id, new ArcpException(ErrorCode.INVALID_REQUEST,
          "session closed after " + env.options().idleSessionEvictSec() + " s without jobs or requests"), null));
      outbox.close(1000, "idle session evicted");
      destroy();
    }
  }

  // ---- the session's address ----------------------------------------------------------------------------

  private void handle(Message<Object> message) {
    if (message.body() instanceof JobFrame frame) {
      onJobFrame(frame);
      return;
    }
    JsonObject body = (JsonObject) message.body();
    String op = body.getString("op", "");
    switch (op) {
      case "orphaned" -> deliverOnce(JobFrame.fromJson(body)); // a job whose gateway process stopped: the sweep
      case "frame" -> {
        if (fromCurrent(body)) {
          onClientFrame(body.getString("text"));
        }
      }
      case "oversize" -> {
        if (fromCurrent(body)) {
          lastInboundNanos = System.nanoTime();
          refuse(null, ArcpException.invalid("frame of " + body.getLong("bytes")
              + " bytes exceeds the limit of " + env.options().maxFrameBytes() + " bytes"));
        }
      }
      case "cancelled" -> onCancelled(body);
      case "accepted" -> onDelegatedChild(body);
      case "subscribed" -> subscriptions.onSubscribed(body);
      case "detached" -> {
        if (fromCurrent(body)) {
          park();
        }
        message.reply(new JsonObject(), Bus.OPTIONS); // nothing more is written there: the connection may let go
      }
      case "paused", "drained" -> {
        if (fromCurrent(body)) {
          boolean paused = "paused".equals(op);
          outbox.socketPaused(paused);
          if (paused) {
            budget.stoppedReading(); // with the budget exhausted, a client that does not read may have to go
          }
        }
      }
      case "resume" -> resume(body).onComplete(outcome -> BusErrors.answer(message, outcome));
      default -> LOG.log(System.Logger.Level.WARNING, "session {0}: unknown op {1}", id, op);
    }
  }

  private boolean fromCurrent(JsonObject body) {
    return outbox.attached() && outbox.connectionId().equals(body.getString("connection_id"));
  }

  // ---- client frames -----------------------------------------------------------------------------------

  private void onClientFrame(String text) {
    lastInboundNanos = System.nanoTime();
    Optional<Envelope> parsed;
    try {
      parsed = Envelope.parse(text);
    } catch (Envelope.InvalidFrameException e) {
      if (MessageType.JOB_SUBMIT.wire().equals(e.type()) && e.requestId() != null) {
        refuseSubmit(e.requestId(), e.traceId(), e); // in submit order and carrier, like any refused submit
      } else {
        refuse(e.requestId(), e);
      }
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
      refuse(envelope.id(), BusErrors.report(e, "session " + id + " " + envelope.type().wire()));
    }
  }

  private void dispatch(Envelope envelope) {
    MessageType type = envelope.type();
    if (type != MessageType.SESSION_PING && type != MessageType.SESSION_PONG && type != MessageType.SESSION_ACK) {
      lastActivityNanos = lastInboundNanos;
    }
    switch (type) {
      case JOB_SUBMIT -> submit(envelope);
      case JOB_CANCEL -> cancel(envelope);
      case SESSION_PING -> pong(envelope);
      case SESSION_PONG -> {
        // any inbound frame already counts as liveness
      }
      case SESSION_ACK -> ack(envelope);
      case SESSION_CLOSE, SESSION_BYE -> close(envelope);
      case SESSION_LIST_JOBS -> listJobs(envelope);
      case JOB_SUBSCRIBE -> subscriptions.subscribe(envelope);
      case JOB_UNSUBSCRIBE -> subscriptions.unsubscribe(envelope);
      case SESSION_HELLO, SESSION_RESUME -> throw ArcpException.invalid("this connection already has session " + id);
      case SESSION_WELCOME, SESSION_ERROR, SESSION_JOBS, SESSION_CLOSED, JOB_ACCEPTED, JOB_EVENT, JOB_RESULT,
           JOB_ERROR, JOB_CANCELLED, JOB_SUBSCRIBED ->
          throw ArcpException.invalid(type.wire() + " is sent by runtimes, not clients");
    }
  }

  private void pong(Envelope ping) {
    JsonObject payload = new JsonObject();
    String nonce = Fields.optString(ping.payload(), "nonce");
    if (nonce != null) {
      payload.put("ping_nonce", nonce);
    }
    writeLive(Frames.frame(MessageType.SESSION_PONG, id, payload.put("received_at", Timestamps.now())));
  }

  /** Fails the request unless {@code feature} was negotiated (§6.2: nobody uses a feature outside it). */
  void require(String feature, Envelope envelope) {
    if (!has(feature)) {
      throw ArcpException.invalid(envelope.type().wire() + " needs the " + feature
          + " feature, which this session did not negotiate");
    }
  }

  /** {@code session.ack} (§6.5): frees the acknowledged frames and lets jobs paused for the lag go on. */
  private void ack(Envelope envelope) {
    Long seq = Fields.optLong(envelope.payload(), "last_processed_seq");
    if (seq == null || seq < 0) {
      throw ArcpException.invalid("last_processed_seq must be a non-negative integer");
    }
    buffer.ack(seq);
    journalDrops.bufferDroppedThrough(buffer.droppedThrough());
    flow.acknowledged();
  }

  /** {@code session.close} is answered with {@code session.closed}, {@code session.bye} with {@code session.bye}. */
  private void close(Envelope envelope) {
    JsonObject payload = new JsonObject();
    String reason = Fields.optString(envelope.payload(), "reason");
    if (reason != null) {
      payload.put("reason", reason);
    }
    MessageType answer = envelope.type() == MessageType.SESSION_BYE
        ? MessageType.SESSION_BYE : MessageType.SESSION_CLOSED;
    // §14: a closed session frees its principal's slot at once; the answer waits until the store has it back,
    // so that a hello sent after the answer finds the slot free (a database store answers later than memory)
    Future<Void> freed = freeSlot();
    Runnable answerClose = () -> ahead.after(() -> {
      sendLive(Frames.frame(answer, id, payload));
      outbox.close(1000, "session closed");
      park();
    });
    if (freed.isComplete()) {
      answerClose.run();
    } else {
      freed.onComplete(done -> env.context().runOnContext(v -> answerClose.run()));
    }
  }

  private void listJobs(Envelope envelope) {
    require(Feature.LIST_JOBS, envelope);
    JobListing.list(env.store().jobs(), env.observePolicy(), principal.name(), envelope.id(), envelope.payload(),
            jobId -> {
              JobViews.View view = jobs.get(jobId);
              return view == null ? 0 : view.lastSeq;
            })
        .onSuccess(payload -> write(Frames.frame(MessageType.SESSION_JOBS, id, payload)))
        .onFailure(failure -> refuse(envelope.id(), BusErrors.toArcp(failure)));
  }

  // ---- jobs --------------------------------------------------------------------------------------------

  private void submit(Envelope envelope) {
    if (env.drain().started()) {
      refuseSubmit(envelope.id(), envelope.traceId(), draining("accepts no new jobs"));
      return;
    }
    SubmitQueue.Pending pending = submits.add(envelope.id(), Ids.job(), envelope.traceId());
    String resumeToken = Fields.optString(envelope.payload(), "resume_token");
    if (resumeToken != null) {
      subscriptions.resumable(resumeToken).onComplete(found -> {
        if (found.succeeded()) {
          pending.reply = new JsonObject().put("job_id", found.result().jobId())
              .put("accepted", found.result().accepted()).put("replayed", true);
          pending.follow = true;
        } else {
          pending.error = BusErrors.toArcp(found.cause());
        }
        submits.drain(this::answerSubmit);
      });
      return;
    }
    JsonObject request = new JsonObject()
        .put("session_id", id)
        .put("principal", principal.name())
        .put("request_id", envelope.id())
        .put("trace_id", envelope.traceId())
        .put("job_id", pending.jobId)
        .put("payload", envelope.payload())
        .put("trace_carrier", envelope.extension(JobTracing.CARRIER_KEY) instanceof JsonObject carrier ? carrier : null)
        .put("delegation_token", principal.delegationToken())
        .put("provision_credentials", has(Feature.PROVISIONED_CREDENTIALS)) // §6.2: only if negotiated
        .put("lifecycle", has(Feature.LIFECYCLE)); // the job sends lifecycle events only to sessions that write them
    bus.<JsonObject>request(env.submitAddress(), request, Bus.localWithTimeout(env.options().requestTimeoutMs()))
        .onComplete(answer -> {
          if (answer.succeeded()) {
            pending.reply = answer.result().body();
          } else {
            pending.error = BusErrors.toArcp(answer.cause());
          }
          submits.drain(this::answerSubmit);
        });
  }

  private void refuseSubmit(String requestId, String traceId, ArcpException error) {
    SubmitQueue.Pending pending = submits.add(requestId, Ids.job(), traceId);
    pending.error = error;
    submits.drain(this::answerSubmit);
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
    if (pending.reply.containsKey("credentials")) {
      accepted.put("credentials", pending.reply.getJsonArray("credentials")); // the submitter's, and only theirs
    }
    String jobId = pending.reply.getString("job_id");
    if (!pending.reply.getBoolean("replayed", false)) {
      jobs.getOrCreate(jobId).submitted = true;
    }
    write(Frames.jobFrame(MessageType.JOB_ACCEPTED, id, jobId, accepted.getString("trace_id"), 0, accepted));
    JsonObject outcome = pending.reply.getJsonObject("outcome");
    if (outcome != null) { // a resubmitted job that already ended: its terminal frame too (§7.2)
      long seq = writeSequenced(MessageType.fromWire(outcome.getString("type")), jobId, accepted.getString("trace_id"),
          outcome.getJsonObject("payload"));
      jobs.delivered(jobId, seq, true);
    } else if (pending.reply.getBoolean("replayed", false) && !observing(jobId)) {
      // a resubmitted job still running, from a session that does not see it: follow it, so that the client
      // waiting for its result gets one (§7.2)
      pending.follow = true;
    }
    pending.held.forEach(this::deliverJobFrame);
    if (pending.follow) {
      subscriptions.follow(jobId, pending.requestId);
    }
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
    env.routes().requestAnywhere(Addresses.job(jobId), request, Bus.withTimeout(env.options().requestTimeoutMs()))
        .recover(failure -> BusErrors.noHandlers(failure) ? finishedOrUnknown(jobId)
            : Future.failedFuture(BusErrors.toArcp(failure)))
        .onFailure(failure -> write(Frames.requestError(id, envelope.id(), jobId, envelope.traceId(),
            BusErrors.toArcp(failure))));
  }

  /** Nobody owns the job any more: it ended (cancel is too late) or never existed for this principal. */
  private <T> Future<T> finishedOrUnknown(String jobId) {
    return env.store().jobs().get(jobId).compose(job -> {
      if (job == null || !env.observePolicy().mayObserve(principal.name(), job.principal())) {
        return Future.failedFuture(ArcpException.jobNotFound(jobId));
      }
      return Future.failedFuture(ArcpException.alreadyEnded(jobId, job.status()));
    });
  }

  /** A job an agent of this session delegated (§10) was accepted: the client sees it like its own. */
  private void onDelegatedChild(JsonObject body) {
    String jobId = body.getString("job_id");
    jobs.getOrCreate(jobId).submitted = true;
    JsonObject accepted = body.getJsonObject("accepted");
    write(Frames.jobFrame(MessageType.JOB_ACCEPTED, id, jobId, accepted.getString("trace_id"), 0, accepted));
  }

  private void onCancelled(JsonObject body) {
    JsonObject payload = new JsonObject().put("job_id", body.getString("job_id"))
        .put("request_id", body.getString("request_id"));
    if (body.getString("reason") != null) {
      payload.put("reason", body.getString("reason"));
    }
    write(Frames.jobFrame(MessageType.JOB_CANCELLED, id, body.getString("job_id"), null, 0, payload));
  }

  private void onJobFrame(JobFrame frame) {
    if (!submits.hold(frame.jobId(), frame)) {
      deliverJobFrame(frame);
    }
  }

  /** Writes a job frame from the job runner, unless the session stopped observing the job. */
  void deliverJobFrame(JobFrame frame) {
    String jobId = frame.jobId();
    JobViews.View view = jobs.getOrCreate(jobId);
    if (!view.observing()) {
      return; // unsubscribed while the frame was on its way
    }
    view.lastIndex = Math.max(view.lastIndex, frame.index());
    String kind = frame.kind();
    if ("progress".equals(kind) && !has(Feature.PROGRESS)) {
      return; // not negotiated: the client did not ask for progress events (§6.2)
    }
    if (frame.lifecycle() && !has(Feature.LIFECYCLE)) {
      return; // the gateway's opt-in lifecycle events
    }
    if (!has(Feature.RESULT_CHUNK)) {
      if ("result_chunk".equals(kind)) {
        if (view.inline == null) {
          view.inline = new InlineResult(env.options().resumeBufferMaxBytes());
        }
        view.inline.add(frame.payload().getJsonObject("body"));
        return;
      }
      if (frame.type() == MessageType.JOB_RESULT && view.inline != null) {
        frame = frame.withPayload(view.inline.failed() ? MessageType.JOB_ERROR : MessageType.JOB_RESULT,
            view.inline.replace(frame.payload()));
        view.inline = null;
      }
    }
    lastActivityNanos = System.nanoTime();
    long seq = writeSequenced(frame.type(), jobId, frame.index(), frame.traceId(), frameText(view, frame));
    jobs.delivered(jobId, seq, frame.type() != MessageType.JOB_EVENT);
  }

  /**
   * The frame's text with the next {@code event_seq}: the runner's payload text spliced in when it has one, the
   * fields every event of the job repeats written once per job.
   */
  private String frameText(JobViews.View view, JobFrame frame) {
    if (frame.payloadJson() == null) {
      return Frames.jobFrame(frame.type(), id, frame.jobId(), frame.traceId(), nextSeq, frame.payload()).encode();
    }
    if (frame.type() != MessageType.JOB_EVENT) {
      return JsonText.jobFrame(frame.type(), id, frame.jobId(), frame.traceId(), nextSeq, frame.payloadJson());
    }
    if (view.eventFields == null) {
      view.eventFields = JsonText.jobFrameFields(MessageType.JOB_EVENT, id, frame.jobId(), frame.traceId());
    }
    return JsonText.jobFrame(view.eventFields, nextSeq, frame.payloadJson());
  }

  /**
   * Writes a frame of a job whose runner is gone, unless this session already took it: its catch-up from the job's
   * log and the orphan sweep's message can both bring the job's end. (Subscription replays, which a client asks
   * for again on purpose, go through {@link #deliverJobFrame} without this check.)
   */
  private void deliverOnce(JobFrame frame) {
    JobViews.View view = jobs.get(frame.jobId());
    if (view == null || frame.index() > view.lastIndex) {
      deliverJobFrame(frame);
    }
  }

  JobViews jobs() {
    return jobs;
  }

  private boolean observing(String jobId) {
    JobViews.View view = jobs.get(jobId);
    return view != null && view.observing();
  }

  long lastSeq() {
    return nextSeq - 1;
  }

  // ---- writing ------------------------------------------------------------------------

  /**
   * Writes an answer to the client (no {@code event_seq}): if no transport takes it, it is kept and replayed on
   * resume, so that a resumed client gets every answer to what it sent.
   */
  void write(JsonObject frame) {
    String text = frame.encode();
    ahead.after(() -> {
      if (outbox.attached()) {
        outbox.writeReply(text);
      } else {
        parked.add(buffer.lastSeq(), text);
      }
      flow.checkBacklog();
    });
  }

  /** Writes a frame that only means something on the current connection (heartbeats), in its turn. */
  private void writeLive(JsonObject frame) {
    String text = frame.encode();
    ahead.after(() -> {
      outbox.write(0, text);
      flow.checkBacklog();
    });
  }

  /** Writes a frame for the current connection at once (its welcome, its close). */
  private void sendLive(JsonObject frame) {
    outbox.write(0, frame.encode());
    flow.checkBacklog();
  }

  /** Numbers, buffers and writes a {@code job.event}, {@code job.result} or {@code job.error} (§8.3). */
  long writeSequenced(MessageType type, String jobId, String traceId, JsonObject payload) {
    return writeSequenced(type, jobId, 0, traceId, Frames.jobFrame(type, id, jobId, traceId, nextSeq, payload)
        .encode());
  }

  /**
   * Numbers and writes {@code text}, a job frame encoded with the next {@code event_seq}, the frame of index
   * {@code jobIndex} in the job's log (0 when it is not logged).
   */
  private long writeSequenced(MessageType type, String jobId, long jobIndex, String traceId, String text) {
    long seq = nextSeq;
    nextSeq++; // only once encoded: a frame that cannot be written leaves no gap
    numbered(new SessionJournal.SessionFrame(seq, jobId, jobIndex, type != MessageType.JOB_EVENT, text));
    env.metrics().eventDelivered();
    // on an event, never a terminal frame: the signal must name a job the client still follows
    if (type == MessageType.JOB_EVENT && has(Feature.ACK) && flow.lagsBehind(seq)) {
      signalBackPressure(jobId, traceId);
    }
    flow.checkBacklog();
    return seq;
  }

  /**
   * The client acknowledges, but lags too far behind (§6.5, §13.2): tell it with a {@code back_pressure} status
   * event on the job it is reading, and pause this session's jobs until its acknowledgements catch up. Delivery
   * goes on meanwhile: acknowledgements are advisory, so nothing is ever held back for them.
   */
  private void signalBackPressure(String jobId, String traceId) {
    long seq = nextSeq++;
    JsonObject status = new JsonObject().put("kind", "status").put("ts", Timestamps.now())
        .put("body", new JsonObject().put("phase", "back_pressure").put("message",
            "acknowledged up to event_seq " + buffer.ackedThrough() + " of " + seq
                + "; this session's jobs are paused until acknowledgements catch up"));
    String text = Frames.jobFrame(MessageType.JOB_EVENT, id, jobId, traceId, seq, status).encode();
    numbered(new SessionJournal.SessionFrame(seq, jobId, 0, false, text));
    flow.toldToCatchUp();
    env.metrics().backPressureSignalled();
  }

  /** Buffers and sends a numbered frame once journaled; the journal drops what the buffer dropped, in batches. */
  private void numbered(SessionJournal.SessionFrame frame) {
    ahead.numbered(frame, () -> {
      buffer.append(frame.seq(), frame.text());
      outbox.write(frame.seq(), frame.text());
      journalDrops.bufferDroppedThrough(buffer.droppedThrough());
    });
  }

  private void afterFlush() {
    flow.checkBacklog();
  }

  /** The client cannot keep up at all (see {@link FlowControl}): close its transport; it may resume. */
  private void tooSlow() {
    LOG.log(System.Logger.Level.WARNING, "session {0}: client too slow ({1} frames waiting); closing its transport",
        id, outbox.backlog());
    outbox.abort(CLOSE_TOO_SLOW, ErrorCode.INTERNAL_ERROR.name() + ": client too slow; resume to continue");
    park();
  }

  /**
   * Answers a request this session refuses: {@code session.error} with {@code details.request_id} (TypeScript,
   * Python), plus the jobless {@code job.error} echoing the request id that the Java client waits for.
   */
  void refuse(String requestId, ArcpException error) {
    write(Frames.sessionError(id, error, requestId));
    if (requestId != null) {
      write(Frames.requestError(id, requestId, null, null, error));
    }
  }
}
