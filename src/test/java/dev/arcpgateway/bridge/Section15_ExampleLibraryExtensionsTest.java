package dev.arcpgateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.Extensions;
import dev.arcpgateway.testing.ExampleAgent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * §15: the Python ({@code get_extension}) and Node ({@code getExtension}) example libraries read extensions
 * exactly as {@link Extensions#get} does, checked by running the real interpreters on the same cases.
 */
class Section15_ExampleLibraryExtensionsTest {

  static final String ABSENT = "<absent>";

  /** [payload, key] pairs covering top-level keys, the extensions object, precedence and non-extension keys. */
  static final JsonArray CASES = new JsonArray(List.of(
      new JsonArray().add(new JsonObject().put("x-acme.a", 1).put("agent", "echo")).add("x-acme.a"),
      new JsonArray().add(new JsonObject().put("x-acme.a", 1).put("agent", "echo")).add("agent"),
      new JsonArray().add(new JsonObject().put("extensions", new JsonObject().put("x-vendor.b", "v")
          .put("optional", true))).add("x-vendor.b"),
      new JsonArray().add(new JsonObject().put("extensions", new JsonObject().put("optional", true)))
          .add("optional"),
      new JsonArray().add(new JsonObject().put("x-k", "top").put("extensions", new JsonObject().put("x-k", "in")))
          .add("x-k"),
      new JsonArray().add(new JsonObject().put("kind", "log").put("x-trace", new JsonObject().put("hops", 2)))
          .add("x-trace"),
      new JsonArray().add(new JsonObject().put("extensions", "not an object")).add("x-missing"),
      new JsonArray().add(new JsonObject()).add("x-missing")));

  static final String PYTHON = """
      import json, sys
      sys.path.insert(0, sys.argv[1])
      from arcp_agent import get_extension
      absent = object()
      out = []
      for payload, key in json.load(sys.stdin):
          value = get_extension(payload, key, absent)
          out.append("<absent>" if value is absent else value)
      print(json.dumps(out))
      """;

  static final String NODE = """
      const { getExtension } = await import(process.argv[1] + '/arcp-agent.mjs');
      let input = '';
      for await (const chunk of process.stdin) input += chunk;
      const absent = Symbol('absent');
      const out = JSON.parse(input).map(([payload, key]) => {
        const value = getExtension(payload, key, absent);
        return value === absent ? '<absent>' : value;
      });
      console.log(JSON.stringify(out));
      """;

  static JsonArray expected() {
    JsonArray out = new JsonArray();
    for (int i = 0; i < CASES.size(); i++) {
      JsonArray pair = CASES.getJsonArray(i);
      out.add(Extensions.get(pair.getJsonObject(0), pair.getString(1)).orElse(ABSENT));
    }
    return out;
  }

  static JsonArray run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(CASES.encode().getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the interpreter did not finish");
    assertEquals(0, process.exitValue(), command + " failed: " + output);
    return new JsonArray(output);
  }

  @Test
  void pythonGetExtensionReadsAsExtensionsGetDoes() throws Exception {
    ExampleAgent.require("python3");
    assertEquals(expected(), run(List.of("python3", "-c", PYTHON,
        ExampleAgent.EXAMPLES.resolve("python").toString())));
  }

  @Test
  void nodeGetExtensionReadsAsExtensionsGetDoes() throws Exception {
    ExampleAgent.require("node");
    assertEquals(expected(), run(List.of("node", "--input-type=module", "-e", NODE,
        ExampleAgent.EXAMPLES.resolve("node").toUri().toString())));
  }
}
