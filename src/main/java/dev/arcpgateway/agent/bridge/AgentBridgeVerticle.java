package dev.arcpgateway.agent.bridge;

import dev.arcpgateway.auth.LoginGuard;
import dev.arcpgateway.auth.LoginThrottle;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.ops.GatewayMetrics;
import dev.arcpgateway.ops.HandOver;
import dev.arcpgateway.ops.LiveCount;
import dev.arcpgateway.job.AgentOps;
import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Ids;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * Admits agent processes in any language through the Vert.x TCP event-bus bridge (docs/agent-protocol.md). The
 * bridge is a trust boundary: a {@link BridgeGuard} in front caps and checks frames; the bridge's event hook here
 * authenticates each connection on its first frame and lets it receive only on its own inbox and send only to
 * the announce address and agent operations to the jobs dispatched to it (whose job tokens the job runner checks
 * on every message); a refused frame is never delivered. An announce first claims the agent name for the
 * connection's token, so no token can take over a name that a Java agent or another token serves. A token
 * granted {@code observe_lifecycle} may also receive {@code arcp.lifecycle}. Announced
 * agents join the live inventory and leave it with their last process; a process that disconnects fails its
 * running jobs at once.
 */
public final class AgentBridgeVerticle extends VerticleBase implements HandOver {

  /** Agent processes announce here (request/reply). */
  public static final String ANNOUNCE = "arcp.bridge.announce";
  /** Inboxes are {@code arcp.bridge.inbox.<16-64 of [A-Za-z0-9_-]>}, chosen by the agent process. */
  public static final Pattern INBOX = Pattern.compile("arcp\\.bridge\\.inbox\\.[A-Za-z0-9_-]{16,64}");
  private static final Pattern JOB = Pattern.compile("arcp\\.job\\.(job_[0-9A-Z]{26})");
  private static final String JOB_PREFIX = "arcp.job.";
  /** The one answer for a job address that is not a running job of this connection, whatever the reason. */
  private static final String NOT_RUNNING_HERE = "no job running on this connection has that address";
  /** Bridge headers that make it deliver the frame's body with the gateway's by-reference codec. */
  private static final JsonObject SHARED_BODY = new JsonObject().put("codecName", Bus.OPTIONS.getCodecName());
  private static final System.Logger LOG = System.getLogger(AgentBridgeVerticle.class.getName());

  private final GatewayOptions options;
  private final BridgeSettings settings;
  private final IntConsumer onListening;
  private final GatewayMetrics metrics;
  /** Local port of each guard relay → the remote address of the agent behind it. */
  private final Map<Integer, String> relays = new HashMap<>();
  /** Keyed by the relay connection's port, which is how the bridge's sockets are told apart. */
  private final Map<Integer, BridgeConnection> connections = new HashMap<>();
  private final Map<String, BridgeConnection> byId = new HashMap<>();
  private final Map<String, BridgeConnection> inboxOwners = new HashMap<>();
  private final Map<String, BridgedAgent> agents = new HashMap<>();
  private final LiveCount hostedJobs;
  /** A drain started: processes take no more jobs here, and no more are announced. */
  private boolean handedOver;
  private NodeRoutes routes;
  private AgentAuthenticator authenticator;
  private LoginGuard logins;

  /** @param hostedJobs counts the jobs the connected processes run, for a drain */
  public AgentBridgeVerticle(GatewayOptions options, BridgeSettings settings, GatewayMetrics metrics,
                             LiveCount hostedJobs, IntConsumer onListening) {
    this.options = options;
    this.settings = settings;
    this.metrics = metrics;
    this.hostedJobs = hostedJobs;
    this.onListening = onListening;
  }

  /**
   * The processes connected here take no more jobs (a drain), and leave the inventory; their running jobs go on,
   * and the processes stay connected until the node closes (then the example libraries fail over).
   */
  @Override
  public Future<Void> handOver() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      handedOver = true;
      List<Future<Void>> steps = new ArrayList<>();
      agents.values().forEach(agent -> steps.add(agent.handOver()));
      byId.keySet().forEach(provider -> steps.add(registry(new JsonObject().put("op", "withdraw")
          .put("provider", provider)).<Void>mapEmpty()));
      Future.join(steps).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  @Override
  public Future<?> start() {
    routes = NodeRoutes.of(vertx);
    // the 5.0.7 bridge cannot report the port it bound, so a free loopback port is found first (off the loop)
    return vertx.executeBlocking(AgentBridgeVerticle::freeLoopbackPort).compose(this::listen);
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private Future<?> listen(int internalPort) {
    BridgeOptions permissions = new BridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(ANNOUNCE))
        .addInboundPermitted(new PermittedOptions().setAddressRegex(JOB.pattern()))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex(INBOX.pattern()))
        .addOutboundPermitted(new PermittedOptions().setAddress(Addresses.LIFECYCLE));
    BridgeGuard guard = new BridgeGuard(vertx, settings, internalPort, relays, this::closed,
        new RelayDeadlines(options.bridgeAuthTimeoutMs(), options.bridgeFrameTimeoutMs()));
    return AgentAuthenticator.create(vertx, settings)
        .compose(auth -> {
          authenticator = auth;
          logins = new LoginGuard(vertx, new LoginThrottle(LoginThrottle.Settings.fromJson(options.loginThrottle()),
              System::nanoTime));
          return vertx.eventBus().<JsonObject>localConsumer(ANNOUNCE, this::onAnnounce).completion();
        })
        .compose(v -> TcpEventBusBridge.create(vertx, permissions, new NetServerOptions(), this::onBridgeEvent)
            .listen(internalPort, "127.0.0.1"))
        // bridge.tls: agents are served TLS with the gateway's own certificate (tls.cert_file, tls.key_file)
        .compose(bridge -> guard.listen(options.bridge().getBoolean("tls", false) ? new PemKeyCertOptions()
            .setCertPath(options.tlsCertFile()).setKeyPath(options.tlsKeyFile()) : null))
        .onSuccess(server -> onListening.accept(guard.actualPort()));
  }

  // ---- the bridge's event hook: every frame of every agent passes here before it reaches the bus -----------

  private void onBridgeEvent(BridgeEvent event) {
    NetSocket socket = event.socket();
    BridgeEventType type = event.type();
    switch (type) {
      case SOCKET_PING, SOCKET_IDLE, SOCKET_ERROR, REGISTERED, RECEIVE, SOCKET_CREATED, SOCKET_CLOSED ->
          event.complete(true);
      case PUBLISH -> event.complete(false);
      case REGISTER, UNREGISTER, SEND -> {
        BridgeConnection connection = connectionOf(socket);
        if (connection == null) {
          event.complete(false);
          socket.close();
          return;
        }
        JsonObject frame = event.getRawMessage();
        if (connection.identity == null) {
          JsonObject headers = frame.getValue("headers") instanceof JsonObject h ? h : new JsonObject();
          connection.identity = authenticate(connection.remoteAddress, headers.getString("authorization"));
        }
        connection.identity.onComplete(identity -> {
          if (identity.failed()) {
            event.complete(false);
            vertx.runOnContext(v -> socket.close()); // after the bridge's err frame
            return;
          }
          event.complete(allowed(connection, type, frame, socket));
        });
      }
    }
  }

  /**
   * Checks an agent connection's credential, after the wait its address has earned by failing before; a refusal
   * is audited (remote address and reason, never the token) and counts against the address, as for sessions.
   */
  private Future<BridgeConnection.AgentIdentity> authenticate(String remote, String authorization) {
    return logins.admit(remote)
        .compose(v -> authenticator.authenticate(authorization))
        .onFailure(failure -> {
          String token = authorization == null ? "" : authorization.replaceFirst("(?i)^bearer ", "").trim();
          logins.refused(remote, ArcpException.from(failure), token);
        });
  }

  /**
   * The connection behind a bridge socket. Only the guard's relays may use the private bridge port (a relay
   * forwards nothing before its port is known); anything else gets null and is dropped.
   */
  private BridgeConnection connectionOf(NetSocket socket) {
    int port = socket.remoteAddress().port();
    BridgeConnection connection = connections.get(port);
    if (connection == null && relays.containsKey(port)) {
      connection = new BridgeConnection("agentconn_" + Ids.message(), relays.get(port));
      connections.put(port, connection);
      byId.put(connection.id, connection);
      metrics.bridgeConnectionOpened();
    } else if (connection == null) {
      LOG.log(System.Logger.Level.WARNING, "refusing a connection to the private bridge port from {0}",
          socket.remoteAddress());
    }
    return connection;
  }

  private boolean allowed(BridgeConnection connection, BridgeEventType type, JsonObject frame, NetSocket socket) {
    String address = frame.getString("address");
    return switch (type) {
      case REGISTER -> {
        if (Addresses.LIFECYCLE.equals(address)) {
          // lifecycle notes name every principal's jobs: only a token granted observe_lifecycle, once
          boolean first = connection.identity.result().observesLifecycle() && !connection.observingLifecycle;
          connection.observingLifecycle |= first;
          yield first;
        }
        if (!INBOX.matcher(address).matches() || connection.inbox != null || inboxOwners.containsKey(address)) {
          yield false;
        }
        connection.inbox = address;
        inboxOwners.put(address, connection);
        yield true;
      }
      case UNREGISTER -> false; // an inbox lives as long as its connection
      case SEND -> {
        if (ANNOUNCE.equals(address)) {
          frame.put("headers", new JsonObject().put("x-bridge-connection", connection.id)); // replaces credentials
          yield true;
        }
        String refusal = refusal(connection, address, frame.getValue("body"));
        if (refusal == null) {
          endsOnItsWord(connection, address, (JsonObject) frame.getValue("body"));
          // the agent's headers are dropped; the body (parsed fresh for this frame) goes by reference
          frame.put("headers", SHARED_BODY);
          yield true;
        }
        answerRefused(socket, frame, refusal);
        yield false;
      }
      default -> false;
    };
  }

  /**
   * Null when an authenticated agent may send {@code body} to {@code address}, else why not: only agent operations
   * (events, result, fail, heartbeat, authorize, delegate) on jobs dispatched to this connection and still
   * running. Any other job address gets the same answer, so an agent cannot tell a foreign job from a missing one.
   */
  private static String refusal(BridgeConnection connection, String address, Object body) {
    if (!address.startsWith(JOB_PREFIX)) {
      return "agents may send only to " + ANNOUNCE + " and to their jobs' addresses";
    }
    if (!connection.jobs.containsKey(address.substring(JOB_PREFIX.length()))) {
      return NOT_RUNNING_HERE;
    }
    if (!(body instanceof JsonObject message) || !AgentOps.accepts(message.getValue("op"))) {
      return "agents may send only " + String.join(", ", new TreeSet<>(AgentOps.ALL)) + " to their jobs";
    }
    return null;
  }

  /**
   * The job is over for this connection as soon as its agent sends the result or failure with the job's token:
   * what it sends the job after that is refused here, like a send to any job not running on it. Waiting for the
   * runner's {@code ended} would leave a window in which a late request meets the job's consumer going away and
   * fails as "no handler" or "discarded" instead.
   */
  private static void endsOnItsWord(BridgeConnection connection, String address, JsonObject message) {
    String jobId = address.substring(JOB_PREFIX.length());
    String token = connection.jobs.get(jobId);
    if (token != null && AgentOps.ends(message.getValue("op")) && token.equals(message.getValue("job_token"))) {
      connection.jobs.remove(jobId);
    }
  }

  /**
   * A refused {@code send} is never delivered: the hook answers false (the 5.0.7 bridge reads the address before
   * the hook, so a frame can be blocked but not redirected) and the bridge sends its bare {@code err}. A refused
   * request first gets the ARCP error on its own reply address, in the form of any failed request, so the
   * agent's request fails at once.
   */
  private static void answerRefused(NetSocket socket, JsonObject frame, String reason) {
    if (!(frame.getValue("replyAddress") instanceof String replyAddress)) {
      return;
    }
    socket.write(BridgeFrames.framed(new JsonObject().put("type", "err").put("address", replyAddress)
        .put("sourceAddress", frame.getString("address")).put("failureCode", BusErrors.ARCP_FAILURE)
        .put("failureType", ReplyFailure.RECIPIENT_FAILURE.name())
        .put("message", new ArcpException(ErrorCode.PERMISSION_DENIED, reason).toPayload().encode())));
  }

  // ---- announce ---------------------------------------------------------------------------------------------

  /**
   * {@code {name, version, default?, max_concurrent?, inbox}} from an authenticated connection → joins the
   * registry; answered {@code {ok, provider, agent, heartbeat_sec}} or an ARCP error.
   */
  private void onAnnounce(Message<JsonObject> message) {
    BridgeConnection connection = byId.get(message.headers().get("x-bridge-connection"));
    JsonObject body = message.body();
    try {
      if (connection == null || connection.closed || connection.identity == null
          || connection.identity.result() == null) {
        throw new ArcpException(ErrorCode.UNAUTHENTICATED, "announce from an unknown connection");
      }
      if (handedOver) {
        throw new ArcpException(ErrorCode.INTERNAL_ERROR, "this gateway node is shutting down; connect to another",
            true, null);
      }
      AgentRef ref = new AgentRef(body.getString("name"), body.getString("version"));
      if (ref.version() == null) {
        throw ArcpException.invalid("announce needs name and version");
      }
      if (!connection.identity.result().allows(ref.name())) {
        throw new ArcpException(ErrorCode.PERMISSION_DENIED, "this agent token may not announce " + ref.name());
      }
      if (connection.inbox == null || !connection.inbox.equals(body.getString("inbox"))) {
        throw ArcpException.invalid("register your inbox (arcp.bridge.inbox.<id>) before announcing, and name it");
      }
      int maxConcurrent = body.getInteger("max_concurrent", 0);
      String owner = connection.identity.result().owner();
      // the name is claimed before this process listens for its jobs: a name another owner serves (a Java agent,
      // another token's processes) is refused before any of that owner's dispatches could reach this process
      registry(new JsonObject().put("op", "claim").put("provider", connection.id).put("owner", owner)
              .put("name", ref.name()))
          .compose(claimed -> {
            if (connection.closed) {
              return Future.failedFuture(new ArcpException(ErrorCode.UNAUTHENTICATED, "the connection closed"));
            }
            connection.announced.put(ref.toString(), maxConcurrent);
            agents.computeIfAbsent(ref.toString(),
                r -> new BridgedAgent(vertx, routes, ref.name(), ref.version(), options.jobHeartbeatSec(),
                    options.agentQueueMax(), hostedJobs))
                .addProvider(connection, maxConcurrent);
            return registry(new JsonObject().put("op", "announce").put("provider", connection.id).put("owner", owner)
                .put("name", ref.name()).put("version", ref.version())
                .put("default", body.getBoolean("default", false)));
          })
          .onSuccess(v -> message.reply(new JsonObject().put("ok", true).put("provider", connection.id)
              .put("agent", ref.toString()).put("heartbeat_sec", options.jobHeartbeatSec())))
          .onFailure(e -> BusErrors.fail(message, BusErrors.toArcp(e)));
    } catch (RuntimeException e) {
      BusErrors.fail(message, e);
    }
  }

  private Future<Message<Object>> registry(JsonObject request) {
    return vertx.eventBus().request(Addresses.AGENT_REGISTRY, request, Bus.LOCAL);
  }

  // ---- a process leaves -------------------------------------------------------------------------------------

  private void closed(int relayPort) {
    BridgeConnection connection = connections.remove(relayPort);
    if (connection != null) {
      metrics.bridgeConnectionClosed();
    }
    if (connection == null || connection.closed) {
      return;
    }
    connection.closed = true;
    byId.remove(connection.id);
    if (connection.inbox != null) {
      inboxOwners.remove(connection.inbox);
    }
    // straight to each job's node: this node may be stopping, its relays going with the verticle
    connection.jobs.forEach((jobId, token) -> routes.send(connection.owners.get(jobId), Addresses.job(jobId),
        new JsonObject().put("op", "fail").put("job_token", token)
            .put("error", new ArcpException(ErrorCode.INTERNAL_ERROR, "the agent process serving this job"
                + " disconnected", true, new JsonObject().put("agent", String.join(",", connection.announced.keySet()))
                .put("provider", connection.id).put("reason", "agent disconnected")).toPayload())));
    for (String ref : connection.announced.keySet()) {
      BridgedAgent agent = agents.get(ref);
      if (agent != null && agent.removeProvider(connection)) {
        agents.remove(ref);
      }
    }
    connection.jobs.clear();
    vertx.eventBus().send(Addresses.AGENT_REGISTRY, new JsonObject().put("op", "withdraw")
        .put("provider", connection.id), Bus.LOCAL);
  }
}
