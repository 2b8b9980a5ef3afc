package dev.arcpgateway.testing;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.config.GatewayOptions;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link TestGateway} on its own {@link Vertx}. Two gateways deployed into one Vert.x instance share its event
 * bus (session, job and agent addresses), so a test that needs a differently tuned gateway next to the class's
 * gateway must use one of these.
 */
public final class IsolatedGateway implements AutoCloseable {

  private final Vertx vertx;
  private final TestGateway gateway;

  private IsolatedGateway(Vertx vertx, TestGateway gateway) {
    this.vertx = vertx;
    this.gateway = gateway;
  }

  public static IsolatedGateway start(Consumer<GatewayOptions> tune) {
    return start(tune, List.of());
  }

  public static IsolatedGateway start(Consumer<GatewayOptions> tune, List<AgentRegistration> extraAgents) {
    Vertx vertx = Vertx.vertx();
    try {
      return new IsolatedGateway(vertx, TestGateway.start(vertx, tune, extraAgents));
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  public TestGateway gateway() {
    return gateway;
  }

  @Override
  public void close() {
    try {
      gateway.close();
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
