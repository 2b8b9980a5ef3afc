package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /** {@code submit --detach} as alice: asserts exit 0 and the job id alone on stdout, and returns it. */
  String submitDetached(String agent, String input) {
    return submitDetached(alice(), agent, input);
  }

  /** {@code submit --detach} with {@code env}: asserts exit 0 and the job id alone on stdout, and returns it. */
  static String submitDetached(Map<String, String> env, String agent, String input) {
    CliProcess submit = CliProcess.run(env, "submit", "--agent", agent, "--input", input, "--detach");
    assertEquals(0, submit.exitCode(), submit::describe);
    String id = submit.stdout().strip();
    assertTrue(id.matches("job_\\w+"), submit::describe);
    return id;
  }

  @Override
  public void close() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
