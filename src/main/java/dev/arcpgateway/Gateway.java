package dev.arcpgateway;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.AgentHostVerticle;
import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.AgentRegistryVerticle;
import dev.arcpgateway.auth.Authenticator;
import dev.arcpgateway.auth.ObservePolicy;
import dev.arcpgateway.auth.StaticTokenAuthenticator;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.job.JobRunnerVerticle;
import dev.arcpgateway.lease.LeasePolicy;
import dev.arcpgateway.lease.LeaseVerticle;
import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.session.SessionVerticle;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.memory.MemoryStore;
import dev.arcpgateway.transport.StdioTransportVerticle;
import dev.arcpgateway.transport.WebSocketTransportVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * <p>Deployment order follows the data flow backwards, so that nothing receives traffic before what it talks
 * to exists: agent registry, lease, agent hosts, job runners, sessions, and last the transport.
 */
public final class Gateway {

  /** Lease expiry grace: how long an agent may unwind after LEASE_EXPIRED before its job is ended. */
  private static final long LEASE_EXPIRY_GRACE_MS = 1_000;

  private final GatewayOptions options;
  private final Authenticator authenticator;
  private final GatewayStore store;
  private final LeasePolicy leasePolicy;
  private final ObservePolicy observePolicy;
  private final List<AgentRegistration> agents;
  private final Supplier<? extends Deployable> stdio;
  private final List<String> deployments = new ArrayList<>();
  private Vertx vertx;
  private volatile int port = -1;

  private Gateway(Builder builder) {
    this.options = builder.options.validate();
    List<Authenticator> authenticators = new ArrayList<>();
    if (builder.authenticator != null) {
      authenticators.add(builder.authenticator);
    }
    if (!options.tokens().isEmpty()) {
      authenticators.add(new StaticTokenAuthenticator(options.tokens()));
    }
    this.authenticator = Authenticator.firstOf(authenticators);
    this.store = builder.store != null ? builder.store : new MemoryStore();
    this.leasePolicy = builder.leasePolicy;
    this.observePolicy = builder.observePolicy != null ? builder.observePolicy
        : options.observers().isEmpty() ? ObservePolicy.SAME_PRINCIPAL : ObservePolicy.fromJson(options.observers());
    this.agents = List.copyOf(builder.agents);
    this.stdio = builder.stdio == null ? null
        : () -> new StdioTransportVerticle(options, builder.stdio.in(), builder.stdio.out(), builder.stdio.onEnd());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The feature flags this gateway offers in {@code session.welcome}. */
  public static List<String> features() {
    return List.of(Feature.HEARTBEAT, Feature.ACK, Feature.LIST_JOBS, Feature.SUBSCRIBE, Feature.LEASE_EXPIRES_AT,
        Feature.PROGRESS, Feature.RESULT_CHUNK, Feature.AGENT_VERSIONS);
  }

  /** Deploys every verticle into {@code vertx}; the future fails (and nothing stays deployed) if any fails. */
  public Future<Gateway> deploy(Vertx vertx) {
    if (this.vertx != null) {
      return Future.failedFuture(new IllegalStateException("this gateway is already deployed"));
    }
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    Bus.install(vertx);
    Future<Void> chain = deploy(AgentRegistryVerticle::new, 1)
        .compose(v -> deploy(() -> new LeaseVerticle(leasePolicy, LEASE_EXPIRY_GRACE_MS), 1));
    for (AgentRegistration agent : agents) {
      chain = chain.compose(v -> deploy(() -> new AgentHostVerticle(agent, options), 1));
    }
    return chain
        .compose(v -> deploy(() -> new JobRunnerVerticle(options, store, observePolicy), options.jobRunnerInstances()))
        .compose(v -> deploy(() -> new SessionVerticle(options, store, authenticator, observePolicy, features()),
            options.sessionInstances()))
        .compose(v -> stdio != null ? deploy(stdio, 1)
            : deploy(() -> new WebSocketTransportVerticle(options, bound -> port = bound),
                options.transportInstances()))
        .map(this)
        .recover(failure -> undeploy().transform(ignored -> Future.failedFuture(failure)));
  }

  private Future<Void> deploy(Supplier<? extends Deployable> verticle, int instances) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances))
        .map(id -> {
          deployments.add(id);
          return null;
        });
  }

  /** Undeploys everything, transport first; jobs still running are abandoned. */
  public Future<Void> undeploy() {
    List<String> reversed = new ArrayList<>(deployments);
    Collections.reverse(reversed);
    deployments.clear();
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return chain.compose(v -> store.close());
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
    private LeasePolicy leasePolicy = LeasePolicy.GRANT_REQUESTED;
    private ObservePolicy observePolicy;
    private StdioStreams stdio;
    private final List<AgentRegistration> agents = new ArrayList<>();

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

    /** Narrows requested leases per principal; grants what is asked by default. */
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
