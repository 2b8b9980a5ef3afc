package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.GateAgent;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The documented exit codes, each with its one line on stderr. */
class CliExitCodesTest {

  private static CliGateway gateway;

  @BeforeAll
  static void start() {
    gateway = new CliGateway();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void aJobErrorOrARefusalExits1WithItsArcpCode() {
    CliProcess fail = CliProcess.run(gateway.alice(), "submit", "--agent", "fail",
        "--input", "{\"code\": \"PERMISSION_DENIED\", \"message\": \"no\"}");
    assertEquals(1, fail.exitCode(), fail::describe);
    assertTrue(fail.stderr().lines().anyMatch(l -> l.equals("job.error PERMISSION_DENIED: no")), fail::describe);
    assertEquals("", fail.stdout(), fail::describe);

    String noJob = "job_00000000000000000000000000";
    CliProcess cancel = CliProcess.run(gateway.alice(), "cancel", noJob);
    assertEquals(1, cancel.exitCode(), cancel::describe);
    assertOneLine(cancel, "job.cancel " + noJob + " refused: JOB_NOT_FOUND: ");
    CliProcess watch = CliProcess.run(gateway.alice(), "watch", noJob);
    assertEquals(1, watch.exitCode(), watch::describe);
    assertOneLine(watch, "job.subscribe refused: JOB_NOT_FOUND: ");
    CliProcess submit = CliProcess.run(gateway.alice(), "submit", "--agent", "nobody");
    assertEquals(1, submit.exitCode(), submit::describe);
    assertOneLine(submit, "job.submit refused: AGENT_NOT_AVAILABLE: ");
  }

  @Test
  void usageAndConfigurationErrorsExit2() {
    assertUsage(CliProcess.run(gateway.alice(), "submit"), "Missing required option: '--agent");
    assertUsage(CliProcess.run(gateway.alice(), "jobs", "--output", "yaml"), "--output");
    assertUsage(CliProcess.run(gateway.alice(), "jobs", "--status", "done"), "--status done is not one of");
    assertUsage(CliProcess.run(gateway.alice(), "submit", "--agent", "echo", "--input", "{nope"), "take JSON");
    assertUsage(CliProcess.run(gateway.alice(), "submit", "--agent", "echo", "--ext", "vendor=1"), "x-KEY=VALUE");
    assertUsage(CliProcess.run(gateway.alice(), "agents", "--url", "http://127.0.0.1:8080/arcp"),
        "use ws://127.0.0.1:8080/arcp");
    assertUsage(CliProcess.run(gateway.alice(), "agents", "--url", "ws://"), "--url");
    assertUsage(CliProcess.run(gateway.alice(), "agents", "--timeout", "soon"), "--timeout soon");
    assertUsage(CliProcess.run(Map.of("ARCP_URL", gateway.gateway().url()), "agents"), "no token");
    assertUsage(CliProcess.run(Map.of(), "serve", "--port", "0", "--event-loops", "0"), "--event-loops must be");
  }

  @Test
  void aRefusedTokenExits3() {
    CliProcess agents = CliProcess.run(Map.of("ARCP_URL", gateway.gateway().url(), "ARCP_TOKEN", "wrong"), "agents");
    assertEquals(3, agents.exitCode(), agents::describe);
    assertOneLine(agents, "authentication refused by " + gateway.gateway().url() + ": UNAUTHENTICATED");
  }

  @Test
  void noGatewayExits4() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String url = "ws://127.0.0.1:" + port + "/arcp";
    CliProcess jobs = CliProcess.run(gateway.alice(url), "jobs");
    assertEquals(4, jobs.exitCode(), jobs::describe);
    assertOneLine(jobs, "cannot connect to " + url);
  }

  @Test
  void aRuntimeSendingSomethingOtherThanJsonObjectsExits4() throws Exception {
    HttpServer broken = gateway.vertx().createHttpServer()
        .webSocketHandler(ws -> ws.textMessageHandler(hello -> ws.writeTextMessage("[\"not an object\"]")));
    broken.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      String url = "ws://127.0.0.1:" + broken.actualPort() + "/arcp";
      CliProcess agents = CliProcess.run(gateway.alice(url), "agents");
      assertEquals(4, agents.exitCode(), agents::describe);
      assertOneLine(agents, url + " sent a frame that is not a JSON object");
    } finally {
      broken.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTimeoutExits5AndLeavesTheJobRunning() {
    CliProcess submit = CliProcess.run(gateway.alice(), "submit", "--agent", "gate",
        "--input", GateAgent.input("timeout").encode(), "--timeout", "5s"); // the deadline covers connecting too
    assertEquals(5, submit.exitCode(), submit::describe);
    assertTrue(submit.stderr().lines()
        .anyMatch(l -> l.matches("timed out after 5s waiting for the end of job job_\\w+, which keeps running")),
        submit::describe);
    GateAgent.finish(gateway.vertx(), "timeout"); // still running, so the gate still answers
  }

  @Test
  void theTokenCanComeFromAFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("token"), dev.arcpgateway.testing.TestGateway.ALICE + "\n");
    CliProcess agents = CliProcess.run(Map.of("ARCP_URL", gateway.gateway().url()), "agents",
        "--token-file", file.toString());
    assertEquals(0, agents.exitCode(), agents::describe);
  }

  @Test
  void helpDescribesDefaultsAnExampleAndTheExitCodes() {
    for (String command : new String[] {"submit", "watch", "jobs", "cancel", "agents"}) {
      CliProcess help = CliProcess.run(Map.of(), command, "--help");
      assertEquals(0, help.exitCode(), help::describe);
      String text = help.stdout();
      assertTrue(text.contains("default: $ARCP_URL, else ws://127.0.0.1:8080/arcp"), text);
      assertTrue(text.contains("Example"), text);
      assertTrue(text.contains("130") && text.contains("authentication refused"), text);
      CliProcess version = CliProcess.run(Map.of(), command, "-V");
      assertEquals(0, version.exitCode(), version::describe);
      assertTrue(version.stdout().startsWith("arcp-gateway "), version::describe);
    }
  }

  private static void assertUsage(CliProcess cli, String expected) {
    assertEquals(2, cli.exitCode(), cli::describe);
    assertOneLine(cli, expected);
  }

  /** Exactly one line on stderr, containing {@code expected}. */
  private static void assertOneLine(CliProcess cli, String expected) {
    assertEquals(1, cli.stderr().lines().count(), cli::describe);
    assertTrue(cli.stderr().contains(expected), cli::describe);
  }
}
