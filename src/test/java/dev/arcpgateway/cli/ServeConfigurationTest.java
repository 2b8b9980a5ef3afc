package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.config.SecretMask;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration of {@code serve} as an operator meets it, through a gateway process: the config file, the
 * {@code ARCP_*} environment and flags with the precedence flag > environment > file > default,
 * {@code --print-config} with secrets masked, and one line with exit code 2 for what cannot work.
 */
class ServeConfigurationTest {

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefaults(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("gateway.json"),
        "{\"heartbeat_sec\": 11, \"resume_window_sec\": 21, \"limits\": {\"request_timeout_ms\": 5000}}");
    JsonObject effective = printConfig(Map.of("ARCP_RESUME_WINDOW_SEC", "22", "ARCP_LIMITS_REQUEST_TIMEOUT_MS",
        "6000"), "--config", file.toString(), "--set", "limits.request_timeout_ms=7000");
    assertEquals(11, effective.getInteger("heartbeat_sec"), "the file beats the default");
    assertEquals(22, effective.getInteger("resume_window_sec"), "the environment beats the file");
    assertEquals(7000, effective.getJsonObject("limits").getLong("request_timeout_ms"), "a flag beats both");
    assertEquals(8080, effective.getInteger("port"), "the default where nothing says otherwise");

    JsonObject fromEnvFile = printConfig(Map.of("ARCP_CONFIG", file.toString(), "ARCP_HEARTBEAT_SEC", "12"),
        "--heartbeat-sec", "13", "--log-format", "json");
    assertEquals(13, fromEnvFile.getInteger("heartbeat_sec"));
    assertEquals(21, fromEnvFile.getInteger("resume_window_sec"), "ARCP_CONFIG names the file");
    assertEquals("json", fromEnvFile.getJsonObject("log").getString("format"));
  }

  @Test
  void theShippedConfigFileIsValid() {
    JsonObject effective = printConfig(Map.of(), "--config", Path.of("conf", "gateway.json").toString());
    assertEquals(7070, effective.getJsonObject("bridge").getInteger("port"));
  }

  @Test
  void printConfigMasksTokensKeysAndPasswordsInUris() {
    CliProcess print = CliProcess.run(Map.of("ARCP_TOKENS", "alice:alice-s3cret,bob:bob-s3cret",
            "ARCP_TELEMETRY_HEADERS", "api-key=header-s3cret"), "serve", "--print-config",
        "--set", "lease.delegation.secret=delegation-s3cret",
        "--set", "credentials.endpoint=https://svc:uri-s3cret@vault.example/v1",
        "--agent-token", "agent-s3cret:*");
    assertEquals(0, print.exitCode(), print::describe);
    assertFalse(print.stdout().contains("s3cret"), print::describe);
    JsonObject effective = new JsonObject(print.stdout());
    assertEquals(new JsonObject().put("principal", "alice").put("token", SecretMask.MASK),
        effective.getJsonArray("tokens").getJsonObject(0));
    assertEquals("https://svc:" + SecretMask.MASK + "@vault.example/v1",
        effective.getJsonObject("credentials").getString("endpoint"));
    assertEquals(SecretMask.MASK, effective.getJsonObject("telemetry").getString("headers"));
  }

  @Test
  void anUnknownKeyAWrongTypeOrAMissingFileIsOneLineNamingKeyAndFile(@TempDir Path dir) throws IOException {
    Path unknown = Files.writeString(dir.resolve("unknown.json"), "{\"limits\": {\"request_timeout\": 5}}");
    assertRefused(CliProcess.run(Map.of(), "serve", "--config", unknown.toString()),
        "config file " + unknown + ": unknown key 'limits.request_timeout'");
    Path wrongType = Files.writeString(dir.resolve("type.json"), "{\"port\": \"eighty\"}");
    assertRefused(CliProcess.run(Map.of(), "serve", "--config", wrongType.toString()),
        "config file " + wrongType + ": port must be an integer, got \"eighty\"");
    Path missing = dir.resolve("missing.json");
    assertRefused(CliProcess.run(Map.of(), "serve", "--config", missing.toString()),
        "config file " + missing + " does not exist");
    Path notJson = Files.writeString(dir.resolve("broken.json"), "{\"port\": ");
    assertRefused(CliProcess.run(Map.of(), "serve", "--config", notJson.toString()),
        "config file " + notJson + " is not a JSON object");
    assertRefused(CliProcess.run(Map.of("ARCP_PORT", "eighty"), "serve"),
        "ARCP_PORT: port must be an integer, got 'eighty'");
    assertRefused(CliProcess.run(Map.of(), "serve", "--set", "limits.nope=1"),
        "--set: unknown setting 'limits.nope'");
    assertRefused(CliProcess.run(Map.of(), "serve", "--set", "heartbeat_sec=0"), "heartbeat_sec must be positive");
    assertRefused(CliProcess.run(Map.of(), "serve", "--otel-exporter", "jaeger"),
        "telemetry.exporter must be one of none, otlp, logging, got jaeger");
  }

  @Test
  void aBusyPortIsOneLineNamingThePort() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();
      assertRefused(CliProcess.run(Map.of(), "serve", "--port", String.valueOf(port), "--token", "alice:t"),
          "the ARCP listener cannot listen on 127.0.0.1:" + port + ": ");
      assertRefused(CliProcess.run(Map.of(), "serve", "--port", "0", "--token", "alice:t",
          "--bridge-port", String.valueOf(port), "--agent-token", "agent-token:*", "--log-level", "warn"),
          "the agent bridge cannot listen on 127.0.0.1:" + port + ": ");
    }
  }

  static JsonObject printConfig(Map<String, String> env, String... args) {
    String[] command = new String[args.length + 2];
    command[0] = "serve";
    command[1] = "--print-config";
    System.arraycopy(args, 0, command, 2, args.length);
    CliProcess print = CliProcess.run(env, command);
    assertEquals(0, print.exitCode(), print::describe);
    return new JsonObject(print.stdout());
  }

  /** Exit 2 and exactly one line on stderr, containing {@code expected}. */
  static void assertRefused(CliProcess serve, String expected) {
    assertEquals(2, serve.exitCode(), serve::describe);
    assertEquals(1, serve.stderr().lines().count(), serve::describe);
    assertTrue(serve.stderr().contains(expected), serve::describe);
  }
}
