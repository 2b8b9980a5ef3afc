package dev.arcpgateway.session;

import dev.arcpgateway.agent.LiveInventory;
import dev.arcpgateway.auth.Authenticator;
import dev.arcpgateway.auth.Credentials;
import dev.arcpgateway.auth.LoginGuard;
import dev.arcpgateway.auth.LoginThrottle;
import dev.arcpgateway.auth.ObservePolicy;
import dev.arcpgateway.auth.Principal;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.cluster.ClusterMembership;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.ops.Drain;
import dev.arcpgateway.ops.GatewayMetrics;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Envelope;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Hello;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.store.GatewayStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opens sessions: takes the first frame of every new connection on {@link Addresses#SESSION_CONNECT} (shared by
 * all instances), authenticates a {@code session.hello} and welcomes it, or routes a resume to the instance that
 * owns the session. Each session then lives on the instance that opened it; see {@link Session}.
 *
 * <p>Connect messages are {@code {connection_id, remote_address, text}}, {@code {connection_id, remote_address,
 * oversize: bytes}} or {@code {connection_id, hello_overdue_ms}} (no session within the hello deadline); failed
 * logins are counted and slowed down per remote address ({@link LoginGuard}). The reply is
 * {@code {session_id}} once a session took the connection, {@code {}} when the frame was ignorable and the
 * next one should come here again, or {@code {refused: true}} after the refusal was sent and the close ordered.
 */
public final class SessionVerticle extends VerticleBase {

  /** The sessions being brought back from the store, shared by every instance. */
  private static final String RESTORING = "arcp.sessions.restoring";
  /** A resume hand-off to a session on another node: long enough for a live owner, short when its node died. */
  private static final long CLUSTER_HAND_OFF_MS = 3_000;

  private final GatewayOptions options;
  private final GatewayStore store;
  private final Authenticator authenticator;
  private final ObservePolicy observePolicy;
  private final List<String> runtimeFeatures;
  private final BufferBudget budget;
  private final Map<String, Session> sessions = new HashMap<>();
  private final LiveInventory inventory = new LiveInventory();
  private SessionEnvironment environment;
  private final LoginThrottle loginThrottle;
  private final GatewayMetrics metrics;
  private final Drain drain;
  private final int lane;
  private GatewayMetrics.SessionCounts counts;
  private LoginGuard logins;
  private ClusterMembership membership;

  /**
   * @param budget        shared by every instance: it bounds what all sessions together buffer
   * @param loginThrottle shared by every instance: failed logins count per remote address, whichever instance
   *                      (event loop) a connection lands on
   * @param drain         once started, new sessions and submits are refused
   * @param lane          the lane this instance serves: its transport's connections, its job runner
   */
  public SessionVerticle(GatewayOptions options, GatewayStore store, Authenticator authenticator,
                         ObservePolicy observePolicy, List<String> runtimeFeatures, BufferBudget budget,
                         LoginThrottle loginThrottle, GatewayMetrics metrics, Drain drain, int lane) {
    this.lane = lane;
    this.options = options;
    this.store = store;
    this.authenticator = authenticator;
    this.observePolicy = observePolicy;
    this.runtimeFeatures = List.copyOf(runtimeFeatures);
    this.budget = budget;
    this.loginThrottle = loginThrottle;
    this.metrics = metrics;
    this.drain = drain;
  }

  @Override
  public Future<?> start() {
    environment = new SessionEnvironment(vertx, context, options, store, inventory, authenticator, observePolicy,
        runtimeFeatures, sessions, budget, metrics, drain, NodeRoutes.of(vertx), Addresses.jobSubmit(lane));
    logins = new LoginGuard(vertx, loginThrottle);
    membership = ClusterMembership.of(vertx);
    counts = metrics.sessionInstance();
    // a quarter interval keeps pings about one interval apart, and costs one pass per tick
    long sweepMs = Math.max(100, Math.min(1_000, options.heartbeatIntervalSec() * 250L));
    vertx.setPeriodic(sweepMs, sweepMs, t -> sweep());
    return inventory.start(vertx)
        .compose(v -> vertx.eventBus().<JsonObject>localConsumer(Addresses.DRAIN, this::onDrain).completion())
        .compose(v -> vertx.eventBus().<JsonObject>localConsumer(Addresses.sessionConnect(lane), this::onConnect).completion());
  }

  /** The gateway drains and its jobs ended: every client is told and its socket closed (1001). */
  private void onDrain(Message<JsonObject> message) {
    if ("close_sessions".equals(message.body().getString("op"))) {
      List.copyOf(sessions.values()).forEach(Session::goingAway);
    }
  }

  private void onConnect(Message<JsonObject> message) {
    JsonObject body = message.body();
    String connectionId = body.getString("connection_id");
    if (body.containsKey("oversize")) {
      refuse(message, connectionId, null, ArcpException.invalid("frame of " + body.getLong("oversize")
          + " bytes exceeds the limit of " + options.maxFrameBytes() + " bytes"));
      return;
    }
    if (body.containsKey("hello_overdue_ms")) {
      refuse(message, connectionId, null, new ArcpException(ErrorCode.UNAUTHENTICATED,
          "no session.hello was welcomed within " + body.getLong("hello_overdue_ms") + " ms of connecting"));
      return;
    }
    Hello hello;
    try {
      Optional<Envelope> envelope = Envelope.parse(body.getString("text"));
      if (envelope.isEmpty()) {
        message.reply(new JsonObject(), Bus.OPTIONS);
        return;
      }
      MessageType type = envelope.get().type();
      if (type != MessageType.SESSION_HELLO && type != MessageType.SESSION_RESUME) {
        throw new Envelope.InvalidFrameException(envelope.get().id(),
            "the first frame must be session.hello, got " + type.wire());
      }
      try {
        hello = Hello.parse(envelope.get());
      } catch (ArcpException e) {
        throw new Envelope.InvalidFrameException(envelope.get().id(), e.getMessage());
      }
    } catch (Envelope.InvalidFrameException e) {
      refuse(message, connectionId, e.requestId(), e);
      return;
    }
    String remote = body.getString("remote_address", "unknown");
    if (drain.started() && hello.resume() == null) {
      refuse(message, connectionId, hello.id(), Session.draining("opens no new sessions"));
      return;
    }
    Future<JsonObject> outcome = logins.admit(remote)
        .compose(v -> hello.resume() == null ? open(hello, connectionId) : resume(hello, connectionId));
    outcome.onComplete(result -> {
      if (result.succeeded()) {
        message.reply(result.result(), Bus.OPTIONS);
      } else {
        ArcpException error = BusErrors.toArcp(result.cause());
        logins.refused(remote, error, hello);
        refuse(message, connectionId, hello.id(), error);
      }
    });
  }

  /** Heartbeats and idle eviction of this instance's sessions; one timer for all of them. */
  private void sweep() {
    long now = System.nanoTime();
    long parked = 0;
    for (Session session : List.copyOf(sessions.values())) {
      session.tick(now);
      parked += session.parked() ? 1 : 0;
    }
    counts.set(sessions.size() - parked, parked);
  }

  private Future<JsonObject> open(Hello hello, String connectionId) {
    if (hello.auth() == null) {
      return Future.failedFuture(Authenticator.refused("session.hello needs auth {scheme, token}"));
    }
    return authenticate(hello.auth()).compose(principal -> {
      String sessionId = Ids.session();
      return SessionSlots.take(environment, principal.name(), sessionId)
          .compose(v -> Session.open(environment, sessionId, principal, hello.features(), connectionId)
              .onFailure(failure -> SessionSlots.free(environment, principal.name(), sessionId)));
    }).map(session -> new JsonObject().put("session_id", session.id));
  }

  /** Finds the session (by id, or by token for the Java SDK's flat form) and asks its owner to resume. */
  private Future<JsonObject> resume(Hello hello, String connectionId) {
    Hello.ResumeRequest resume = hello.resume();
    Future<Principal> who = hello.auth() != null ? authenticate(hello.auth())
        : Future.succeededFuture(null); // the resume token alone proves the session
    return who.compose(principal -> locate(resume).compose(sessionId -> {
      JsonObject request = new JsonObject()
          .put("op", "resume")
          .put("connection_id", connectionId)
          .put("resume_token", resume.token())
          .put("last_event_seq", resume.lastEventSeq())
          .put("principal", principal == null ? null : principal.name());
      if (hello.featuresSent()) {
        request.put("features", new JsonArray(new ArrayList<>(hello.features())));
      }
      String address = Addresses.session(sessionId);
      // a node killed a moment ago may still be listed as the session's consumer; it would never answer
      return environment.onLoop(membership.noMemberConsumes(address)).compose(departed -> departed
          ? restoreHere(sessionId, request) : handOff(address, sessionId, request));
    }));
  }

  /** Asks the instance that has the session to take the resume over; brings it back here if nobody has it. */
  private Future<JsonObject> handOff(String address, String sessionId, JsonObject request) {
    Promise<Message<JsonObject>> handOff = Promise.promise();
    vertx.eventBus().<JsonObject>request(address, request, Bus.withTimeout(handOffTimeoutMs()))
        .onComplete(answer -> {
          if (answer.succeeded()) {
            handOff.tryComplete(answer.result());
          } else {
            handOff.tryFail(answer.cause());
          }
        });
    // a killed node does not answer: once the cluster sees it leave, nobody has the session any more
    Runnable stopWatching = membership.onNoMemberConsuming(address, () -> context.runOnContext(v ->
        handOff.tryFail(new ReplyException(ReplyFailure.NO_HANDLERS, "the session's node left the cluster"))));
    return handOff.future()
        .onComplete(decided -> stopWatching.run())
        .map(Message::body)
        .recover(failure -> {
          if (BusErrors.noHandlers(failure)) {
            return restoreHere(sessionId, request);
          }
          if (!BusErrors.timedOut(failure)) {
            return Future.failedFuture(BusErrors.toArcp(failure));
          }
          // the node left between the check above and the watch: the event bus may still list its consumer
          return environment.onLoop(membership.noMemberConsumes(address)).compose(departed -> departed
              ? restoreHere(sessionId, request) : Future.failedFuture(BusErrors.toArcp(failure)));
        });
  }

  /**
   * How long the session's owner has to take a resume over. An owner answers within a store round trip; in a
   * cluster, a request to a node that has just died waits this long before it is found gone, so it is short there.
   */
  private long handOffTimeoutMs() {
    return membership.clustered() ? Math.min(options.requestTimeoutMs(), CLUSTER_HAND_OFF_MS)
        : options.requestTimeoutMs();
  }

  /** Nobody has the session: bring it back here from the store, when the store keeps sessions. */
  private Future<JsonObject> restoreHere(String sessionId, JsonObject request) {
    return store.survivesRestart() ? restore(sessionId, request) : Future.failedFuture(Session.notResumable());
  }

  /**
   * No instance has the session: if it is a previous run's, bring it back here. One instance at a time brings a
   * session back; a resume racing with that is refused as not resumable.
   */
  private Future<JsonObject> restore(String sessionId, JsonObject request) {
    LocalMap<String, Boolean> restoring = vertx.sharedData().getLocalMap(RESTORING);
    if (restoring.putIfAbsent(sessionId, Boolean.TRUE) != null) {
      return Future.failedFuture(Session.notResumable());
    }
    return environment.onLoop(store.sessions().get(sessionId))
        .compose(stored -> Session.restore(environment, stored, request))
        .onComplete(done -> restoring.remove(sessionId));
  }

  private Future<String> locate(Hello.ResumeRequest resume) {
    if (resume.sessionId() != null) {
      return Future.succeededFuture(resume.sessionId());
    }
    return store.sessions().findByResumeToken(Secrets.hash(resume.token())).compose(session -> session == null
        ? Future.failedFuture(Session.notResumable())
        : Future.succeededFuture(session.sessionId()));
  }

  private Future<Principal> authenticate(JsonObject auth) {
    Credentials credentials;
    try {
      credentials = new Credentials(Fields.optString(auth, "scheme"), Fields.optString(auth, "token"), auth);
    } catch (ArcpException e) {
      return Future.failedFuture(e);
    }
    Future<Principal> attempt;
    try {
      attempt = authenticator.authenticate(credentials);
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    Promise<Principal> onOwnLoop = Promise.promise();
    attempt.onComplete(result -> context.runOnContext(v -> {
      if (result.succeeded() && result.result() != null) {
        onOwnLoop.complete(result.result());
      } else {
        Throwable failure = result.cause();
        onOwnLoop.fail(failure instanceof ArcpException arcp ? arcp : Authenticator.refused("authentication failed"));
      }
    })); // a custom authenticator may complete on any thread; sessions must be created on this loop
    return onOwnLoop.future();
  }

  private void refuse(Message<JsonObject> message, String connectionId, String requestId, ArcpException error) {
    PreWelcome.refuse(vertx.eventBus(), connectionId, requestId, error);
    message.reply(new JsonObject().put("refused", true), Bus.OPTIONS);
  }
}
