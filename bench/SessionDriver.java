import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session-continuity benchmarks against any ARCP WebSocket URL (run with the gateway's fat jar on the class path):
 *
 * <pre>
 *   java -cp target/arcp-gateway.jar bench/SessionDriver.java resume --url ws://127.0.0.1:8080/arcp --token T
 *   java -cp target/arcp-gateway.jar bench/SessionDriver.java idle   --url ws://127.0.0.1:8080/arcp --token T
 * </pre>
 *
 * <ul>
 *   <li>{@code resume}: a session submits a {@code chatty} job of {@code --events} events and drops its socket at
 *       once; after the job has finished, a new connection resumes with {@code last_event_seq} 0 and the time to
 *       receive the whole backlog (through the job's result) is reported.</li>
 *   <li>{@code idle}: opens {@code --sessions} sessions that negotiate heartbeats and answer pings, holds them for
 *       {@code --hold} seconds, and meanwhile measures echo-job latency on one more session (is the gateway still
 *       responsive?). Read the gateway's heap separately (e.g. {@code jcmd PID GC.heap_info}).</li>
 * </ul>
 */
public final class SessionDriver {

  private final Vertx vertx = Vertx.vertx();
  private final List<WebSocketClient> clients = new ArrayList<>();
  private URI url;
  private String token;
  private long ids;

  public static void main(String[] argv) throws Exception {
    SessionDriver driver = new SessionDriver();
    java.util.Map<String, String> args = new java.util.HashMap<>();
    for (int i = 1; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    driver.url = URI.create(args.getOrDefault("url", "ws://127.0.0.1:8080/arcp"));
    driver.token = args.getOrDefault("token", "");
    try {
      switch (argv.length == 0 ? "" : argv[0]) {
        case "resume" -> driver.resume(Long.parseLong(args.getOrDefault("events", "100000")));
        case "idle" -> driver.idle(Integer.parseInt(args.getOrDefault("sessions", "10000")),
            Integer.parseInt(args.getOrDefault("hold", "30")));
        default -> {
          System.err.println("usage: SessionDriver resume|idle --url URL --token TOKEN [options]");
          System.exit(2);
        }
      }
    } finally {
      driver.vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private String id() {
    return String.format("01SESS%020d", ++ids);
  }

  private Future<WebSocket> connect() {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(64 << 20).setMaxMessageSize(64 << 20).setMaxConnections(1));
    clients.add(client); // a garbage-collected Vert.x client closes its connections
    return client.connect(new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
        .setURI(url.getPath()));
  }

  private JsonObject frame(String type, String sessionId, JsonObject payload) {
    JsonObject frame = new JsonObject().put("arcp", "1.1").put("id", id()).put("type", type);
    if (sessionId != null) {
      frame.put("session_id", sessionId);
    }
    return frame.put("payload", payload);
  }

  private JsonObject hello(JsonArray features) {
    return frame("session.hello", null, new JsonObject()
        .put("client", new JsonObject().put("name", "arcp-session-driver").put("version", "1"))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", token))
        .put("capabilities", new JsonObject().put("features", features)));
  }

  private void resume(long events) throws Exception {
    WebSocket first = connect().await(10, TimeUnit.SECONDS);
    Promise<JsonObject> welcomed = Promise.promise();
    Promise<Void> accepted = Promise.promise();
    first.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      switch (frame.getString("type")) {
        case "session.welcome" -> welcomed.tryComplete(frame);
        case "job.accepted" -> accepted.tryComplete();
        default -> {
        }
      }
    });
    first.writeTextMessage(hello(new JsonArray().add("agent_versions")).encode());
    JsonObject welcome = welcomed.future().await(10, TimeUnit.SECONDS);
    String sessionId = welcome.getString("session_id");
    String resumeToken = welcome.getJsonObject("payload").getString("resume_token");
    first.writeTextMessage(frame("job.submit", sessionId, new JsonObject().put("agent", "chatty")
        .put("input", new JsonObject().put("count", events).put("size", 64))).encode());
    accepted.future().await(10, TimeUnit.SECONDS);
    first.close().await(10, TimeUnit.SECONDS);
    // the job keeps running while the session is parked; give it time to finish (it is not throttled: no socket)
    Thread.sleep(Math.max(3_000, events / 20));

    WebSocket second = connect().await(10, TimeUnit.SECONDS);
    AtomicLong received = new AtomicLong();
    long[] lastSeq = new long[1];
    boolean[] ordered = {true};
    Promise<Long> done = Promise.promise();
    second.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      Long seq = frame.getLong("event_seq");
      if (seq != null) {
        ordered[0] &= seq == lastSeq[0] + 1;
        lastSeq[0] = seq;
        received.incrementAndGet();
      }
      if ("job.result".equals(frame.getString("type")) || "session.error".equals(frame.getString("type"))) {
        done.tryComplete(System.nanoTime());
      }
    });
    long start = System.nanoTime();
    second.writeTextMessage(hello(new JsonArray().add("agent_versions")).put("payload",
        hello(new JsonArray().add("agent_versions")).getJsonObject("payload").put("resume", new JsonObject()
            .put("session_id", sessionId).put("resume_token", resumeToken).put("last_event_seq", 0))).encode());
    long end = done.future().await(120, TimeUnit.SECONDS);
    System.out.printf("resume: replayed %d frames (%s, gap-free: %s) in %.3f s: %.0f frames/s%n", received.get(),
        events + 1 == received.get() ? "all" : "EXPECTED " + (events + 1), ordered[0], (end - start) / 1e9,
        received.get() / ((end - start) / 1e9));
  }

  private void idle(int sessions, int holdSec) throws Exception {
    JsonArray features = new JsonArray().add("heartbeat").add("agent_versions");
    AtomicLong pings = new AtomicLong();
    List<WebSocket> sockets = new ArrayList<>();
    long start = System.nanoTime();
    for (int batch = 0; batch < sessions; batch += 200) {
      List<Future<WebSocket>> opening = new ArrayList<>();
      for (int i = batch; i < Math.min(sessions, batch + 200); i++) {
        opening.add(connect().compose(ws -> {
          Promise<WebSocket> welcomed = Promise.promise();
          ws.textMessageHandler(text -> {
            JsonObject frame = new JsonObject(text);
            switch (frame.getString("type")) {
              case "session.welcome" -> welcomed.tryComplete(ws);
              case "session.ping" -> {
                pings.incrementAndGet();
                ws.writeTextMessage(frame("session.pong", frame.getString("session_id"), new JsonObject()
                    .put("ping_nonce", frame.getJsonObject("payload").getString("nonce"))).encode());
              }
              default -> {
              }
            }
          });
          ws.writeTextMessage(hello(features).encode());
          return welcomed.future();
        }));
      }
      for (Future<WebSocket> opened : opening) {
        sockets.add(opened.await(60, TimeUnit.SECONDS));
      }
    }
    System.out.printf("idle: %d sessions open in %.1f s; holding %d s%n", sockets.size(),
        (System.nanoTime() - start) / 1e9, holdSec);
    // responsiveness while they idle: echo jobs one at a time on one more session
    WebSocket probe = connect().await(10, TimeUnit.SECONDS);
    long[] latencies = new long[4096];
    int[] count = {0};
    long[] sent = new long[1];
    String[] probeSession = new String[1];
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(holdSec);
    Promise<Void> finished = Promise.promise();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      sent[0] = System.nanoTime();
      probe.writeTextMessage(frame("job.submit", probeSession[0], new JsonObject().put("agent", "echo")
          .put("input", new JsonObject().put("n", count[0]))).encode());
    };
    probe.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      switch (frame.getString("type")) {
        case "session.welcome" -> {
          probeSession[0] = frame.getString("session_id");
          next[0].run();
        }
        case "job.result" -> {
          if (count[0] < latencies.length) {
            latencies[count[0]] = System.nanoTime() - sent[0];
          }
          count[0]++;
          if (System.nanoTime() < until) {
            vertx.setTimer(10, t -> next[0].run());
          } else {
            finished.tryComplete();
          }
        }
        default -> {
        }
      }
    });
    probe.writeTextMessage(hello(new JsonArray().add("agent_versions")).encode());
    finished.future().await(holdSec + 60, TimeUnit.SECONDS);
    long[] sample = Arrays.copyOf(latencies, Math.min(count[0], latencies.length));
    Arrays.sort(sample);
    System.out.printf("idle: %d pings answered; probe echo jobs: %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        pings.get(), count[0], sample[sample.length / 2] / 1e6,
        sample[Math.max(0, (int) Math.ceil(sample.length * 0.99) - 1)] / 1e6, sample[sample.length - 1] / 1e6);
    System.out.printf("idle: %d of %d sessions still open%n", sockets.stream().filter(ws -> !ws.isClosed()).count(),
        sockets.size());
  }
}
