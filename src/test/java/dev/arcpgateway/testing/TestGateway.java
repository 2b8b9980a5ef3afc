package dev.arcpgateway.testing;

import dev.arcpgateway.Gateway;
import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.demo.DemoAgents;
import dev.arcpgateway.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real gateway on a free loopback port with the demo agents and two principals: {@code alice} (token
 * {@value #ALICE}) and {@code bob} (token {@value #BOB}). Start it from a test thread, never an event loop.
 *
 * <p>One gateway per {@link Vertx}: gateways deployed on the same Vert.x share event-bus addresses and answer each
 * other's connections (the other one's options and agents apply). Give a second gateway its own Vert.x.
 */
public final class TestGateway implements AutoCloseable {

  public static final String ALICE = "tok-alice";
  public static final String BOB = "tok-bob";
  /** Whether gateways of this run keep their state in PostgreSQL rather than in memory. */
  public static final boolean ON_PG = "pg".equals(System.getProperty("arcp.test.store"));

  private final Vertx vertx;
  private final Gateway gateway;
  private final List<WireClient> clients = new ArrayList<>();

  private TestGateway(Vertx vertx, Gateway gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
  }

  public static TestGateway start(Vertx vertx) {
    return start(vertx, options -> { }, List.of());
  }

  public static TestGateway start(Vertx vertx, Consumer<GatewayOptions> tune) {
    return start(vertx, tune, List.of());
  }

  /** Starts with the demo agents plus {@code extraAgents}, after {@code tune} adjusted the options. */
  public static TestGateway start(Vertx vertx, Consumer<GatewayOptions> tune, List<AgentRegistration> extraAgents) {
    return start(vertx, tune, extraAgents, builder -> { });
  }

  /** As {@link #start(Vertx, Consumer, List)}, with a last say on the builder (store, lease policy …). */
  public static TestGateway start(Vertx vertx, Consumer<GatewayOptions> tune, List<AgentRegistration> extraAgents,
                                  Consumer<Gateway.Builder> build) {
    GatewayOptions options = new GatewayOptions().setPort(0).addToken("alice", ALICE).addToken("bob", BOB);
    // tests refuse many logins from 127.0.0.1 on purpose; only the throttle's own tests turn it on
    options.setLoginThrottle(new JsonObject().put("after_failures", 1_000_000));
    tune.accept(options);
    // -Darcp.test.store=pg: the same test on a fresh PostgreSQL database, unless it tests the memory store's file ledger
    if (ON_PG && options.store().isEmpty() && !options.credentials().containsKey("ledger_file")) {
      options.setStore(new JsonObject().put("type", "pg").put("uri", EmbeddedPg.freshDatabase()).put("pool_size", 4));
    }
    Gateway.Builder builder = Gateway.builder().options(options).agents(DemoAgents.all()).agents(extraAgents);
    build.accept(builder);
    Gateway gateway = builder.build();
    try {
      gateway.deploy(vertx).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("gateway did not start", e);
    }
    return new TestGateway(vertx, gateway);
  }

  public Vertx vertx() {
    return vertx;
  }

  public Gateway gateway() {
    return gateway;
  }

  public int port() {
    return gateway.port();
  }

  public String url() {
    return "ws://127.0.0.1:" + port() + "/arcp";
  }

  /** A connected raw client (no hello sent yet); closed with the gateway. */
  public WireClient connect() {
    WireClient client = WireClient.connect(vertx, port());
    clients.add(client);
    return client;
  }

  /** A client that already said hello as {@code token} with every feature; the welcome is consumed. */
  public WireClient session(String token) {
    WireClient client = connect();
    client.hello(token);
    return client;
  }

  @Override
  public void close() {
    clients.forEach(WireClient::close);
    try {
      gateway.undeploy().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
