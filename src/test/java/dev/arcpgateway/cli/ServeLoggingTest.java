package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Logging of a gateway process: {@code --log-format json} makes every line on stderr one JSON object with
 * timestamp, level, logger and message; {@code --log-level} decides what is written.
 */
class ServeLoggingTest {

  @Test
  void jsonLinesAreParseableAndCarryTheirFields() {
    List<String> lines;
    try (CliProcess serve = CliProcess.start(Map.of("ARCP_LOG_FORMAT", "json"), "serve", "--port", "0",
        "--token", "alice:log-token", "--log-level", "debug", "--agent-token", "log-agent-token:*",
        "--bridge-port", "0")) {
      serve.awaitStdout(out -> out.contains("Agent bridge listening on"), "the gateway to listen");
      // the bridge's INFO line about the wildcard agent token is written before the listener reports
      lines = serve.stderr().lines().filter(line -> !line.isBlank()).toList();
    }
    assertFalse(lines.isEmpty(), "debug logging writes lines");
    boolean info = false;
    for (String line : lines) {
      JsonObject record = new JsonObject(line);
      for (String field : List.of("timestamp", "level", "logger", "message")) {
        assertTrue(record.getValue(field) instanceof String, () -> field + " in " + line);
      }
      info |= record.getString("level").equals("INFO")
          && record.getString("logger").equals("dev.arcpgateway.agent.bridge.AgentAuthenticator");
    }
    assertTrue(info, () -> "the gateway's own INFO line is among them: " + lines);
  }

  @Test
  void aQuieterLevelWritesLess() {
    try (CliProcess serve = CliProcess.start(Map.of(), "serve", "--port", "0", "--token", "alice:log-token",
        "--log-level", "warn", "--agent-token", "log-agent-token:*", "--bridge-port", "0")) {
      serve.awaitStdout(out -> out.contains("Agent bridge listening on"), "the gateway to listen");
      assertEquals("", serve.stderr(), "nothing at WARNING or above while starting");
    }
  }
}
