package dev.arcpgateway.cli;

import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway for the CLI tests: the demo agents, {@link GateAgent} (a job the test drives step by step) and
 * {@link BinaryAgent}, on a free port; the CLI processes reach it through {@code ARCP_URL} and {@code ARCP_TOKEN}.
 */
final class CliGateway implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final TestGateway gateway = TestGateway.start(vertx, options -> { },
      List.of(GateAgent.registration(), BinaryAgent.registration()));

  Vertx vertx() {
    return vertx;
  }

  TestGateway gateway() {
    return gateway;
  }

  /** The environment of a CLI process run as alice. */
  Map<String, String> alice() {
    return Map.of("ARCP_URL", gateway.url(), "ARCP_TOKEN", TestGateway.ALICE);
  }

  /** The environment of a CLI process reaching the gateway at {@code url} as alice. */
  Map<String, String> alice(String url) {
    return Map.of("ARCP_URL", url, "ARCP_TOKEN", TestGateway.ALICE);
  }

  @Override
  public void close() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
