package dev.arcpgateway;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.AgentHostVerticle;
import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.AgentRegistryVerticle;
import dev.arcpgateway.agent.bridge.AgentBridgeVerticle;
import dev.arcpgateway.agent.bridge.BridgeSettings;
import dev.arcpgateway.auth.Authenticator;
import dev.arcpgateway.auth.DelegationTokenAuthenticator;
import dev.arcpgateway.auth.JwtAuthenticator;
import dev.arcpgateway.auth.LoginThrottle;
import dev.arcpgateway.auth.ObservePolicy;
import dev.arcpgateway.auth.StaticTokenAuthenticator;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.cluster.ClusterMembership;
import dev.arcpgateway.cluster.ClusterSettings;
import dev.arcpgateway.cluster.NodeMailboxVerticle;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.job.JobRunnerVerticle;
import dev.arcpgateway.lane.LaneVerticle;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.lease.CredentialProvisioner;
import dev.arcpgateway.lease.LeasePolicy;
import dev.arcpgateway.lease.LeaseSettings;
import dev.arcpgateway.lease.LeaseVerticle;
import dev.arcpgateway.lease.LocalCredentialProvisioner;
import dev.arcpgateway.ops.AgentsOnlineVerticle;
import dev.arcpgateway.ops.Drain;
import dev.arcpgateway.ops.GatewayMetrics;
import dev.arcpgateway.ops.LiveCount;
import dev.arcpgateway.ops.OpsRoutes;
import dev.arcpgateway.ops.Readiness;
import dev.arcpgateway.ops.TimedStore;
import dev.arcpgateway.store.FileCredentialLedger;
import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.session.BufferBudget;
import dev.arcpgateway.session.SessionVerticle;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.OrphanSweepVerticle;
import dev.arcpgateway.store.RestartSweep;
import dev.arcpgateway.store.RetentionVerticle;
import dev.arcpgateway.store.StoreSettings;
import dev.arcpgateway.store.pg.PgStore;
import dev.arcpgateway.store.memory.MemoryStore;
import dev.arcpgateway.transport.StdioTransportVerticle;
import dev.arcpgateway.transport.http.RouteGroup;
import dev.arcpgateway.ui.DashboardRoutes;
import dev.arcpgateway.transport.WebSocketTransportVerticle;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The embedding entry point: an ARCP gateway deployed as verticles into a {@link Vertx} you own.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .options(new GatewayOptions().setPort(8080).addToken("alice", "s3cret"))
 *     .agent("greeter", "1.0.0", job -> Future.succeededFuture("hello " + job.inputObject().getString("name")))
 *     .build();
 * gateway.deploy(vertx).onSuccess(g -> System.out.println("ARCP on port " + g.port()));
 * }</pre>
 *
 * <p>One gateway per {@code Vertx}: its event-bus addresses are fixed names, so two gateways in one Vert.x
 * instance would answer each other's traffic.
 *
 * <p>A clustered {@code Vertx} (Hazelcast cluster manager) makes this gateway one node of a cluster: agents of
 * every node serve jobs submitted on any node. Every node needs the same PostgreSQL store and the same
 * delegation signing key; {@link #deploy} refuses a clustered {@code Vertx} otherwise.
 *
 * <p>Deployment order follows the data flow backwards, so that nothing receives traffic before what it talks
 * to exists: agent registry, lease, agent hosts, job runners, sessions, and last the transport.
 */
public final class Gateway {

  /** How often ended jobs past the retention are looked for. */
  private static final long RETENTION_CHECK_MS = 60_000;
  /** How often a gateway on a durable store looks for jobs another process stopped running. */
  private static final long ORPHAN_CHECK_MS = 2_000;

  private final GatewayOptions options;
  private final Authenticator custom;
  /** Where state goes; a PostgreSQL store named in the options is opened by {@link #deploy}. */
  private GatewayStore store;
  /** The store as jobs and sessions reach it: through its timers when metrics are on (set once it is open). */
  private GatewayStore servingStore;
  /** The in-memory store this gateway made itself (it may take a file ledger), or null. */
  private final MemoryStore defaultStore;
  private final StoreSettings storeSettings;
  private final LeasePolicy leasePolicy;
  private final ObservePolicy observePolicy;
  private final CredentialProvisioner provisioner;
  private final OpenTelemetry openTelemetry;
  private final List<AgentRegistration> agents;
  private final Supplier<? extends Deployable> stdio;
  private final LiveCount runningJobs = new LiveCount();
  private final LiveCount hostedJobs = new LiveCount();
  private final LiveCount openConnections = new LiveCount();
  private final Drain drain = new Drain(runningJobs, hostedJobs, openConnections);
  private final Readiness readiness;
  /** Scraped at {@code /metrics}; null when metrics are off. */
  private final PrometheusMeterRegistry registry;
  private final GatewayMetrics metrics;
  /** Tells the random ports of gateways in one Vert.x apart ({@link #listenPort()}). */
  private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();
  private final List<String> deployments = new ArrayList<>();
  private Vertx vertx;
  private volatile int port = -1;
  private volatile int bridgePort = -1;

  private Gateway(Builder builder) {
    this.options = builder.options.validate();
    this.custom = builder.authenticator;
    this.openTelemetry = builder.openTelemetry != null ? builder.openTelemetry : GlobalOpenTelemetry.get();
    this.storeSettings = StoreSettings.fromJson(options.store());
    this.defaultStore = builder.store != null || storeSettings.pg() ? null
        : new MemoryStore(MemoryStore.DEFAULT_FINISHED_JOBS,
            options.resumeBufferMaxEvents(), options.resumeBufferMaxBytes(),
            Math.min(4 * options.resumeBufferMaxBytes(), options.bufferBudgetBytes()), // finished jobs' logs in all
            MemoryStore.DEFAULT_IDEMPOTENCY_KEYS);
    this.store = builder.store != null ? builder.store : defaultStore;
    JsonObject leaseConfig = options.lease();
    this.leasePolicy = builder.leasePolicy != null ? builder.leasePolicy
        : leaseConfig.containsKey("policy") ? LeasePolicy.fromJson(leaseConfig.getJsonObject("policy"))
        : LeasePolicy.GRANT_REQUESTED;
    this.provisioner = builder.provisioner != null ? builder.provisioner : configuredProvisioner(options);
    this.observePolicy = builder.observePolicy != null ? builder.observePolicy
        : options.observers().isEmpty() ? ObservePolicy.SAME_PRINCIPAL : ObservePolicy.fromJson(options.observers());
    this.agents = List.copyOf(builder.agents);
    this.readiness = new Readiness(() -> store, drain, builder.readinessChecks);
    this.registry = !options.metricsEnabled() ? null
        : builder.registry != null ? builder.registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = registry == null ? GatewayMetrics.off() : new GatewayMetrics(registry, runningJobs);
    this.stdio = builder.stdio == null ? null
        : () -> new StdioTransportVerticle(options, builder.stdio.in(), builder.stdio.out(), builder.stdio.onEnd());
  }

  public static Builder builder() {
    return new Builder();
  }

  private static CredentialProvisioner configuredProvisioner(GatewayOptions options) {
    JsonObject config = options.credentials();
    String kind = config.getString("provisioner");
    if (kind == null) {
      return null;
    }
    if (!kind.equals("local")) {
      throw new IllegalArgumentException("credentials.provisioner: only \"local\" is built in; embed to use others");
    }
    long rotate = config.getLong("rotate_every_sec", 0L);
    return new LocalCredentialProvisioner(config.getString("endpoint", "http://127.0.0.1/local-upstream"),
        rotate > 0 ? Duration.ofSeconds(rotate) : null);
  }

  /**
   * The feature flags this gateway offers in {@code session.welcome}: everything it implements, with
   * {@code provisioned_credentials} only when a provisioner and a durable ledger are configured (§14), and the
   * gateway's own opt-in {@link Feature#LIFECYCLE}.
   */
  public List<String> features() {
    List<String> features = new ArrayList<>(List.of(Feature.HEARTBEAT, Feature.ACK, Feature.LIST_JOBS,
        Feature.SUBSCRIBE, Feature.LEASE_EXPIRES_AT, Feature.COST_BUDGET, Feature.MODEL_USE));
    // a PostgreSQL store not yet opened keeps its ledger in the database: durable
    if (provisioner != null && (store == null ? storeSettings.pg() : store.credentials().durable())) {
      features.add(Feature.PROVISIONED_CREDENTIALS);
    }
    features.addAll(List.of(Feature.PROGRESS, Feature.RESULT_CHUNK, Feature.AGENT_VERSIONS, Feature.LIFECYCLE));
    return features;
  }

  /**
   * Signs a delegation token (§10) for {@code principal} granting {@code lease} (with optional
   * {@code leaseConstraints}) for {@code ttlSec} seconds. A {@code job.submit} presenting it (field
   * {@code delegation_token}, or a session authenticated with it) runs under exactly that lease, as a child of
   * {@code parentJobId} when one is given.
   */
  public Future<String> createDelegationToken(String principal, JsonObject lease, JsonObject leaseConstraints,
                                              String parentJobId, long ttlSec) {
    return mintDelegationToken(new JsonObject().put("op", "mint").put("principal", principal).put("lease", lease)
        .put("lease_constraints", leaseConstraints).put("parent_job_id", parentJobId).put("ttl_sec", ttlSec));
  }

  /**
   * The seed's short form of {@link #createDelegationToken(String, JsonObject, JsonObject, String, long)}: a
   * token for {@code principal} granting {@code scopes} — the lease, capability names mapped to their patterns,
   * e.g. {@code {"tool.call": ["search"]}} — with no constraints, no parent job, valid for the configured
   * {@code delegation.token_ttl_sec}.
   */
  public Future<String> createDelegationToken(String principal, JsonObject scopes) {
    return mintDelegationToken(new JsonObject().put("op", "mint").put("principal", principal).put("lease", scopes));
  }

  private Future<String> mintDelegationToken(JsonObject request) {
    if (vertx == null) {
      return Future.failedFuture(new IllegalStateException("deploy the gateway first"));
    }
    return vertx.eventBus().<JsonObject>request(Addresses.LEASE, request, Bus.LOCAL)
        .map(reply -> reply.body().getString("delegation_token"))
        .recover(failure -> Future.failedFuture(BusErrors.toArcp(failure)));
  }

  /** Deploys every verticle into {@code vertx}; the future fails (and nothing stays deployed) if any fails. */
  public Future<Gateway> deploy(Vertx vertx) {
    if (this.vertx != null) {
      return Future.failedFuture(new IllegalStateException("this gateway is already deployed"));
    }
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    ClusterMembership membership;
    try {
      membership = ClusterMembership.of(vertx);
      if (membership.clustered()) {
        ClusterSettings.requireSharedState(defaultStore != null, options.lease());
      }
    } catch (IllegalArgumentException unusable) {
      this.vertx = null;
      return Future.failedFuture(unusable);
    }
    Bus.install(vertx);
    List<String> features = new ArrayList<>();
    // key files are read on a worker thread: deploy may be called from an event loop
    Future<LeaseSettings> leaseSettings = vertx.executeBlocking(() -> leaseSettings(options.lease()));
    Future<Authenticator> authenticator = leaseSettings.compose(s -> authenticators());
    Future<Void> chain = authenticator
        .compose(a -> openStore())
        .<Void>map(v -> {
          // the memory store answers within the call: nothing to time, and timing it costs every job and event
          servingStore = registry == null || !store.survivesRestart() ? store : new TimedStore(store, metrics);
          return null;
        })
        .compose(v -> openLedger())
        // in a cluster, before anything another node could send to: the jobs' addresses are reached through it
        .compose(v -> membership.clustered() ? deploy(() -> new NodeMailboxVerticle(options.requestTimeoutMs()), 1)
            : Future.<Void>succeededFuture())
        // what a previous run left unfinished is this run's to finish only when no other node is running
        .compose(v -> membership.nodes().size() > 1 ? Future.succeededFuture()
            : new RestartSweep(store, Clock.systemUTC(), Duration.ofSeconds(options.resumeWindowSec())).run())
        .<Void>map(v -> {
          features.addAll(features()); // after the ledger is open: it decides provisioned_credentials
          return null;
        })
        .compose(v -> deploy(() -> new RetentionVerticle(store, Duration.ofSeconds(storeSettings.retentionSec()),
            Clock.systemUTC(), RETENTION_CHECK_MS), 1))
        .compose(v -> store.survivesRestart() // another process on the store may die with jobs of its own
            ? deploy(() -> new OrphanSweepVerticle(store, Clock.systemUTC(), ORPHAN_CHECK_MS), 1)
            : Future.<Void>succeededFuture())
        .compose(v -> deploy(AgentRegistryVerticle::new, 1));
    for (AgentRegistration agent : agents) {
      if (agent.maxConcurrent() > 0) { // its limit holds for all its jobs: one host, outside the lanes
        chain = chain.compose(v -> deploy(() -> drain.handsOver(new AgentHostVerticle(agent, options, openTelemetry,
            hostedJobs, -1)), 1));
      }
    }
    BridgeSettings bridge = BridgeSettings.fromJson(options.bridge());
    if (bridge.enabled()) {
      chain = chain.compose(v -> deploy(() -> drain.handsOver(new AgentBridgeVerticle(options, bridge, metrics,
          hostedJobs, bound -> bridgePort = bound)), 1));
    }
    if (registry != null) {
      chain = chain.compose(v -> deploy(() -> new AgentsOnlineVerticle(metrics), 1));
    }
    int lanes = stdio != null ? 1 : laneCount();
    AtomicInteger nextLane = new AtomicInteger();
    chain = chain.compose(v -> {
      LaneParts parts = new LaneParts(leaseSettings.result(), authenticator.result(),
          options.lifecycleNotifications() || bridge.observesLifecycle(), List.copyOf(features),
          new BufferBudget(options.bufferBudgetBytes()),
          new LoginThrottle(LoginThrottle.Settings.fromJson(options.loginThrottle()), System::nanoTime),
          // the HTTP routes beside /arcp, mounted in this order: operations endpoints, the dashboard's pages
          List.of(new OpsRoutes(vertx, readiness, registry), new DashboardRoutes(options.path())),
          agents.stream().filter(agent -> agent.maxConcurrent() == 0).toList());
      int listenPort = listenPort();
      // the first lane alone first: its agent hosts announce the agents that every lane hosts
      return deploy(() -> lane(nextLane.getAndIncrement(), listenPort, parts), 1)
          .compose(first -> lanes == 1 ? Future.<Void>succeededFuture()
              : deploy(() -> lane(nextLane.getAndIncrement(), listenPort, parts), lanes - 1));
    });
    return chain
        .compose(v -> stdio != null ? deploy(stdio, 1) : Future.<Void>succeededFuture())
        .onSuccess(listening -> readiness.listening())
        .map(this)
        .recover(failure -> undeploy().transform(ignored -> Future.failedFuture(failure)));
  }

  /**
   * Who may open sessions, tried in order: the builder's authenticator, the static tokens, JWTs (when the
   * {@code jwt} options are set), delegation tokens.
   */
  private Future<Authenticator> authenticators() {
    List<Authenticator> chain = new ArrayList<>();
    if (custom != null) {
      chain.add(custom);
    }
    if (!options.tokens().isEmpty()) {
      chain.add(new StaticTokenAuthenticator(options.tokens()));
    }
    Future<Void> jwt = options.jwt().isEmpty() ? Future.succeededFuture()
        : JwtAuthenticator.create(vertx, options.jwt()).map(authenticator -> {
          chain.add(authenticator);
          return null;
        });
    return jwt.map(v -> {
      chain.add(new DelegationTokenAuthenticator(vertx));
      return Authenticator.firstOf(chain);
    });
  }

  /** Opens the PostgreSQL store the options name (migrating its schema), unless a store is already at hand. */
  private Future<Void> openStore() {
    if (store != null) {
      return Future.succeededFuture();
    }
    return PgStore.open(vertx, storeSettings.uri(), storeSettings.poolSize()).map(opened -> {
      store = opened;
      return null;
    });
  }

  /** A file ledger named in the options replaces the memory ledger of the default store. */
  private Future<Void> openLedger() {
    String file = options.credentials().getString("ledger_file");
    if (file == null) {
      return Future.succeededFuture();
    }
    if (defaultStore == null) {
      return Future.failedFuture(new IllegalArgumentException(
          "credentials.ledger_file applies to the in-memory store; other stores keep their own ledger"));
    }
    return vertx.executeBlocking(() -> {
      defaultStore.withCredentialLedger(FileCredentialLedger.open(vertx, Path.of(file)));
      return null;
    });
  }

  private static LeaseSettings leaseSettings(JsonObject config) {
    JsonObject delegation = config.getJsonObject("delegation", new JsonObject());
    return new LeaseSettings(
        config.getLong("expiry_grace_ms", LeaseSettings.DEFAULTS.expiryGraceMs()),
        config.getBoolean("model_use_required", false),
        delegation.getString("algorithm", "ES256"),
        readKey(delegation.getString("private_key_file"), delegation.getString("secret")),
        readKey(delegation.getString("public_key_file"), null),
        delegation.getLong("token_ttl_sec", LeaseSettings.DEFAULTS.tokenTtlSec())).withSigningKey();
  }

  private static String readKey(String file, String inline) {
    if (file == null) {
      return inline;
    }
    try {
      return java.nio.file.Files.readString(Path.of(file));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read key file " + file, e);
    }
  }

  /**
   * What is shared by every lane: one buffer budget and one failed-login throttle for all sessions (an address
   * cannot spread its failures over lanes), the HTTP routes, the agents hosted in every lane.
   */
  private record LaneParts(LeaseSettings leaseSettings, Authenticator authenticator, boolean publishLifecycle,
                           List<String> features, BufferBudget budget, LoginThrottle loginThrottle,
                           List<RouteGroup> routes, List<AgentRegistration> laneAgents) {
  }

  /** Lane {@code index}: its lease, agent hosts, job runner, session and (without stdio) transport verticles. */
  private LaneVerticle lane(int index, int listenPort, LaneParts parts) {
    List<Deployable> verticles = new ArrayList<>();
    verticles.add(new LeaseVerticle(parts.leaseSettings(), leasePolicy, provisioner, store.credentials(), metrics,
        store.tokenUses(), index));
    for (AgentRegistration agent : parts.laneAgents()) {
      verticles.add(drain.handsOver(new AgentHostVerticle(agent, options, openTelemetry, hostedJobs, index)));
    }
    verticles.add(new JobRunnerVerticle(options, servingStore, observePolicy, openTelemetry, parts.publishLifecycle(),
        runningJobs, metrics, index, parts.laneAgents().stream().map(AgentRegistration::ref)
            .collect(Collectors.toSet())));
    verticles.add(new SessionVerticle(options, servingStore, parts.authenticator(), observePolicy, parts.features(),
        parts.budget(), parts.loginThrottle(), metrics, drain, index));
    if (stdio == null) {
      verticles.add(new WebSocketTransportVerticle(options, parts.routes(), openConnections,
          bound -> port = bound, index, listenPort));
    }
    return new LaneVerticle(verticles);
  }

  /**
   * The port every lane's transport listens on, so that they share one listener. Vert.x shares servers of one
   * port; port 0 would give each lane its own random port, so a random port is asked for with a negative number,
   * which Vert.x shares among the servers that give the same one: one of this gateway's own.
   */
  private int listenPort() {
    return options.port() != 0 ? options.port() : -1 - RANDOM_PORT_KEYS.getAndUpdate(n -> (n + 1) % 1_000_000);
  }

  /** {@link GatewayOptions#lanes()}, or one lane per event loop of the Vert.x instance. */
  private int laneCount() {
    if (options.lanes() > 0) {
      return options.lanes();
    }
    int loops = 0;
    for (EventExecutor ignored : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops++;
    }
    return Math.max(1, loops);
  }

  private Future<Void> deploy(Supplier<? extends Deployable> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances))
        .map(id -> {
          deployments.add(id);
          return null;
        });
  }

  /**
   * Drains, then undeploys: the node turns not-ready and refuses new sessions and submits (with a retryable
   * INTERNAL_ERROR), running jobs get {@code drain_timeout_sec} to finish and the rest end with a retryable
   * INTERNAL_ERROR, every client gets {@code session.closed} and a 1001 close, and then the verticles go. Calling
   * it again returns the same drain.
   */
  public Future<Void> close() {
    if (vertx == null) {
      return Future.succeededFuture();
    }
    return drain.run(vertx, java.util.concurrent.TimeUnit.SECONDS.toMillis(options.drainTimeoutSec()))
        .compose(v -> undeploy());
  }

  /**
   * Completes once a drain ({@link #close()}) has handed over: this node's agents take no more jobs, so in a
   * cluster the other nodes' jobs go to their own agents; null before a drain starts.
   */
  public Future<Void> handedOver() {
    return drain.handedOver();
  }

  /** Whether a drain started ({@link #close()}): the node is not ready and takes no new work. */
  public boolean draining() {
    return drain.started();
  }

  /** Undeploys everything at once, transport first; jobs still running are abandoned. */
  public Future<Void> undeploy() {
    List<String> reversed = new ArrayList<>(deployments);
    Collections.reverse(reversed);
    deployments.clear();
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return chain.compose(v -> store == null ? Future.succeededFuture() : store.close());
  }

  /** The port agent processes connect to (the agent bridge), once deployed, or -1 when the bridge is off. */
  public int bridgePort() {
    return bridgePort;
  }

  /** The port the WebSocket transport listens on, once deployed. */
  public int port() {
    return port;
  }

  public GatewayOptions options() {
    return options;
  }

  private record StdioStreams(InputStream in, OutputStream out, Runnable onEnd) {
  }

  /** Builds a {@link Gateway}. */
  public static final class Builder {
    private GatewayOptions options = new GatewayOptions();
    private Authenticator authenticator;
    private GatewayStore store;
    private LeasePolicy leasePolicy;
    private CredentialProvisioner provisioner;
    private ObservePolicy observePolicy;
    private StdioStreams stdio;
    private OpenTelemetry openTelemetry;
    private final List<AgentRegistration> agents = new ArrayList<>();
    private final Map<String, Supplier<Future<Void>>> readinessChecks = new LinkedHashMap<>();
    private PrometheusMeterRegistry registry;

    private Builder() {
    }

    public Builder options(GatewayOptions options) {
      this.options = Objects.requireNonNull(options);
      return this;
    }

    /** Authenticates sessions; tried before the static tokens of the options. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    /** Where durable state goes; the in-memory store by default. */
    public Builder store(GatewayStore store) {
      this.store = store;
      return this;
    }

    /**
     * Provisions credentials for jobs (§9.8); advertised only when the store's credential ledger is durable.
     * By default the {@code credentials} options decide.
     */
    public Builder credentialProvisioner(CredentialProvisioner provisioner) {
      this.provisioner = provisioner;
      return this;
    }

    /** Narrows requested leases per principal; the {@code lease.policy} options, else grants what is asked. */
    public Builder leasePolicy(LeasePolicy leasePolicy) {
      this.leasePolicy = Objects.requireNonNull(leasePolicy);
      return this;
    }

    /**
     * Who may list and subscribe to whose jobs; by default the {@code observers} grants of the options, else
     * same principal only.
     */
    public Builder observePolicy(ObservePolicy observePolicy) {
      this.observePolicy = Objects.requireNonNull(observePolicy);
      return this;
    }

    /**
     * Where job spans go (§11); by default {@code GlobalOpenTelemetry}, which is a no-op unless an SDK or agent
     * registered one. Trace ids travel either way.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry);
      return this;
    }

    /**
     * Adds a check to {@code /ready}: the node is ready only while {@code check}'s future succeeds (within two
     * seconds), besides its own checks (listener bound, store answering, not draining). A clustered deployment
     * adds its membership here.
     */
    public Builder readinessCheck(String name, Supplier<Future<Void>> check) {
      readinessChecks.put(Objects.requireNonNull(name), Objects.requireNonNull(check));
      return this;
    }

    /**
     * Where the gateway's meters go and what {@code /metrics} serves. Give the registry your Vert.x instance
     * reports to ({@code MicrometerMetricsFactory}) to have Vert.x's own HTTP, event-bus and pool meters there
     * too; by default the gateway keeps a registry of its own. Unused when {@code metrics.enabled} is false.
     */
    public Builder meterRegistry(PrometheusMeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry);
      return this;
    }

    public Builder agent(AgentRegistration registration) {
      agents.add(Objects.requireNonNull(registration));
      return this;
    }

    /** Registers {@code agent} as {@code name@version}. */
    public Builder agent(String name, String version, Agent agent) {
      return agent(AgentRegistration.of(name, version, agent));
    }

    /**
     * Serves one session over newline-delimited JSON on {@code in}/{@code out} instead of WebSocket;
     * {@code onEnd} runs when input ends or the session closes the transport.
     */
    public Builder stdio(InputStream in, OutputStream out, Runnable onEnd) {
      this.stdio = new StdioStreams(in, out, onEnd);
      return this;
    }

    public Builder agents(List<AgentRegistration> registrations) {
      registrations.forEach(this::agent);
      return this;
    }

    public Gateway build() {
      return new Gateway(this);
    }
  }
}
