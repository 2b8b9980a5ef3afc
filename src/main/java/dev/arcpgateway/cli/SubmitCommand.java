package dev.arcpgateway.cli;

import dev.arcpgateway.protocol.Envelope;
import dev.arcpgateway.protocol.Feature;
import dev.arcpgateway.protocol.Ids;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code submit}: connects to any ARCP runtime, submits one job, shows its events (a progress bar on a terminal),
 * reassembles a chunked result, prints the result on stdout and exits 0 — or prints the error and exits 1.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit one job and follow it.")
final class SubmitCommand implements Callable<Integer> {

  @Option(names = "--url", required = true, description = "ws://host:port/arcp")
  URI url;

  @Option(names = "--token", required = true, description = "bearer token")
  String token;

  @Option(names = "--agent", required = true, description = "name or name@version")
  String agent;

  @Option(names = "--input", defaultValue = "{}", description = "job input as JSON (default {})")
  String input;

  @Option(names = "--lease", description = "lease_request as JSON, e.g. '{\"fs.read\": [\"/ws/**\"]}'")
  String lease;

  @Option(names = "--lease-constraints", description = "lease_constraints as JSON, e.g. '{\"expires_in_s\": 60}'")
  String leaseConstraints;

  @Option(names = "--timeout-sec", defaultValue = "0", description = "give up after this long (0: never)")
  long timeoutSec;

  private final PrintStream events = System.err;
  private final boolean terminal = System.console() != null;
  private final ByteArrayOutputStream assembled = new ByteArrayOutputStream();
  private boolean progressShown;
  private String submitId;
  private String jobId;
  private WebSocketClient client;

  @Override
  public Integer call() throws Exception {
    Object parsedInput;
    JsonObject submit;
    try {
      parsedInput = io.vertx.core.json.Json.decodeValue(input);
      submit = new JsonObject().put("agent", agent).put("input", parsedInput);
      if (lease != null) {
        submit.put("lease_request", new JsonObject(lease));
      }
      if (leaseConstraints != null) {
        submit.put("lease_constraints", new JsonObject(leaseConstraints));
      }
    } catch (DecodeException | ClassCastException e) {
      events.println("--input, --lease and --lease-constraints take JSON: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Promise<Integer> exit = Promise.promise();
      boolean secure = "wss".equals(url.getScheme());
      int port = url.getPort() > 0 ? url.getPort() : secure ? 443 : 80;
      // keep the client referenced: Vert.x closes a garbage-collected client together with its connections
      client = vertx.createWebSocketClient(
          new WebSocketClientOptions().setMaxMessageSize(64 << 20).setMaxFrameSize(64 << 20));
      client.connect(new WebSocketConnectOptions().setHost(url.getHost()).setPort(port).setSsl(secure)
              .setURI(url.getRawPath() == null || url.getRawPath().isEmpty() ? "/arcp" : url.getRawPath()))
          .onFailure(e -> {
            events.println("could not connect to " + url + ": " + e.getMessage());
            exit.tryComplete(2);
          })
          .onSuccess(ws -> follow(ws, submit, exit));
      return timeoutSec > 0 ? exit.future().await(timeoutSec, TimeUnit.SECONDS) : exit.future().await();
    } catch (java.util.concurrent.TimeoutException e) {
      events.println("no result within " + timeoutSec + " s");
      return 3;
    } finally {
      vertx.close();
    }
  }

  private void follow(WebSocket ws, JsonObject submit, Promise<Integer> exit) {
    ws.closeHandler(v -> exit.tryComplete(2));
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      JsonObject payload = frame.getJsonObject("payload", new JsonObject());
      switch (frame.getString("type", "")) {
        case "session.welcome" -> submitId = send(ws, "job.submit", frame.getString("session_id"), submit);
        case "job.accepted" -> {
          if (submitId.equals(payload.getString("request_id"))) {
            jobId = payload.getString("job_id");
          }
          events.println("accepted " + payload.getString("job_id") + " (" + payload.getString("agent") + ")");
        }
        case "job.event" -> event(payload);
        case "job.result" -> {
          if (frame.getString("job_id").equals(jobId)) {
            endProgress();
            exit.tryComplete(result(payload));
            ws.close();
          }
        }
        case "job.error" -> {
          boolean ours = frame.getString("job_id") == null ? submitId.equals(frame.getString("id"))
              : frame.getString("job_id").equals(jobId);
          if (ours) {
            endProgress();
            events.println("job.error " + payload.getString("code") + ": " + payload.getString("message"));
            exit.tryComplete(1);
            ws.close();
          }
        }
        case "session.error" -> {
          endProgress();
          events.println(frame.getString("type") + " " + payload.getString("code") + ": " + payload.getString("message"));
          exit.tryComplete(1);
          ws.close();
        }
        case "session.ping" -> send(ws, "session.pong", frame.getString("session_id"),
            new JsonObject().put("ping_nonce", payload.getString("nonce")));
        default -> {
          // job.cancelled and other frames need no output
        }
      }
    });
    JsonArray features = new JsonArray();
    Feature.ALL.forEach(features::add);
    send(ws, "session.hello", null, new JsonObject()
        .put("client", new JsonObject().put("name", "arcp-gateway-submit").put("version", "1"))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", token))
        .put("capabilities", new JsonObject().put("encodings", new JsonArray().add("json")).put("features", features)));
  }

  private void event(JsonObject payload) {
    JsonObject body = payload.getJsonObject("body", new JsonObject());
    String kind = payload.getString("kind", "");
    switch (kind) {
      case "progress" -> progress(body);
      case "result_chunk" -> {
        String data = body.getString("data", "");
        byte[] bytes = "base64".equals(body.getString("encoding")) ? Base64.getDecoder().decode(data)
            : data.getBytes(StandardCharsets.UTF_8);
        assembled.writeBytes(bytes);
      }
      case "log" -> line("[" + body.getString("level") + "] " + body.getString("message"));
      case "status" -> line("[status] " + body.getString("phase")
          + (body.getString("message") != null ? " " + body.getString("message") : ""));
      default -> line("[" + kind + "] " + body.encode());
    }
  }

  private void progress(JsonObject body) {
    long current = body.getLong("current", 0L);
    Long total = body.getLong("total");
    String units = body.getString("units", "");
    if (!terminal) {
      line("[progress] " + current + (total != null ? "/" + total : "") + " " + units);
      return;
    }
    int width = 30;
    int filled = total == null || total == 0 ? 0 : (int) Math.min(width, current * width / total);
    events.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + current
        + (total != null ? "/" + total : "") + " " + units + "   ");
    events.flush();
    progressShown = true;
  }

  private void line(String text) {
    endProgress();
    events.println(text);
  }

  private void endProgress() {
    if (progressShown) {
      events.println();
      progressShown = false;
    }
  }

  private int result(JsonObject payload) {
    if (payload.containsKey("result_id")) {
      System.out.write(assembled.toByteArray(), 0, assembled.size());
      System.out.println();
      events.println("result " + payload.getString("result_id") + ": " + assembled.size() + " bytes"
          + (payload.getString("summary") != null ? " (" + payload.getString("summary") + ")" : ""));
    } else {
      Object result = payload.getValue("result");
      System.out.println(result instanceof JsonObject o ? o.encodePrettily()
          : result instanceof JsonArray a ? a.encodePrettily() : String.valueOf(result));
    }
    System.out.flush();
    return 0;
  }

  /** Sends a frame and returns its id. */
  private static String send(WebSocket ws, String type, String sessionId, JsonObject payload) {
    String id = Ids.message();
    JsonObject frame = new JsonObject().put("arcp", Envelope.VERSION).put("id", id).put("type", type);
    if (sessionId != null) {
      frame.put("session_id", sessionId);
    }
    ws.writeTextMessage(frame.put("payload", payload).encode());
    return id;
  }
}
