import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ARCP load driver: speaks plain ARCP v1.1 over WebSocket to any runtime, so the same numbers can be taken of
 * any implementation. Run with the gateway's fat jar on the class path (for Vert.x):
 *
 * <pre>
 *   java -cp target/arcp-gateway.jar bench/LoadDriver.java echo   --url ws://127.0.0.1:8080/arcp --token T
 *   java -cp target/arcp-gateway.jar bench/LoadDriver.java chatty --url ws://127.0.0.1:8080/arcp --token T
 * </pre>
 *
 * <ul>
 *   <li>{@code echo}: keeps {@code --inflight} echo jobs in flight on one session for {@code --seconds} (after
 *       {@code --warmup} seconds) and reports jobs/s and p50/p99 of submit→accepted and submit→result.</li>
 *   <li>{@code chatty}: runs {@code --runs} jobs, one after the other, of the agent {@code --agent} (default
 *       {@code chatty}; {@code chatty-py} and {@code chatty-node} are the bridged twins in agents-examples/) with
 *       {@code --events} log events of {@code --size} bytes each, and reports the events/s the client received
 *       (every frame is parsed as JSON, as a client would).</li>
 * </ul>
 */
public final class LoadDriver {

  private final Map<String, String> args = new HashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private WebSocketClient client;

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: LoadDriver echo|chatty --url URL --token TOKEN [options]");
      System.exit(2);
    }
    LoadDriver driver = new LoadDriver();
    for (int i = 1; i + 1 < argv.length; i += 2) {
      driver.args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    try {
      switch (argv[0]) {
        case "echo" -> driver.echo();
        case "chatty" -> driver.chatty();
        default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
      }
    } finally {
      driver.vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private String arg(String name, String fallback) {
    return args.getOrDefault(name, fallback);
  }

  /** Connects and says hello; returns the socket with the welcome consumed. */
  private Session open() throws Exception {
    URI url = URI.create(arg("url", "ws://127.0.0.1:8080/arcp"));
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(64 << 20).setMaxMessageSize(64 << 20));
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
        .setURI(url.getPath())).await(10, TimeUnit.SECONDS);
    Session session = new Session(ws);
    Promise<String> welcomed = Promise.promise();
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if ("session.welcome".equals(frame.getString("type"))) {
        welcomed.tryComplete(frame.getString("session_id"));
      } else {
        welcomed.tryFail(text);
      }
    });
    ws.writeTextMessage(new JsonObject().put("arcp", "1.1").put("id", session.nextId()).put("type", "session.hello")
        .put("payload", new JsonObject()
            .put("client", new JsonObject().put("name", "arcp-load-driver").put("version", "1"))
            .put("auth", new JsonObject().put("scheme", "bearer").put("token", arg("token", "")))
            .put("capabilities", new JsonObject().put("features",
                new JsonArray().add("progress").add("result_chunk").add("agent_versions"))))
        .encode());
    session.id = welcomed.future().await(10, TimeUnit.SECONDS);
    return session;
  }

  private void echo() throws Exception {
    int inflight = Integer.parseInt(arg("inflight", "8"));
    int seconds = Integer.parseInt(arg("seconds", "10"));
    int warmup = Integer.parseInt(arg("warmup", "5"));
    Session session = open();
    Map<String, long[]> byRequest = new HashMap<>(); // request id -> {submitNanos, acceptedNanos}
    Map<String, long[]> byJob = new HashMap<>();
    Recorder accepted = new Recorder();
    Recorder completed = new Recorder();
    AtomicLong done = new AtomicLong();
    long[] window = new long[2]; // measuring from, until (nanos)
    Promise<Void> finished = Promise.promise();
    Runnable[] submit = new Runnable[1];
    submit[0] = () -> {
      String id = session.nextId();
      byRequest.put(id, new long[] {System.nanoTime(), 0});
      session.ws.writeTextMessage("{\"arcp\":\"1.1\",\"id\":\"" + id + "\",\"type\":\"job.submit\",\"session_id\":\""
          + session.id + "\",\"payload\":{\"agent\":\"echo\",\"input\":{\"n\":" + id.hashCode() + "}}}");
    };
    session.ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      long now = System.nanoTime();
      switch (frame.getString("type")) {
        case "job.accepted" -> {
          long[] times = byRequest.remove(frame.getJsonObject("payload").getString("request_id"));
          times[1] = now;
          byJob.put(frame.getString("job_id"), times);
          if (now >= window[0]) {
            accepted.add(now - times[0]);
          }
        }
        case "job.result", "job.error" -> {
          long[] times = byJob.remove(frame.getString("job_id"));
          if (times == null) {
            return;
          }
          if (now >= window[0] && now < window[1]) {
            completed.add(now - times[0]);
            done.incrementAndGet();
          }
          if (now < window[1]) {
            submit[0].run();
          } else if (byJob.isEmpty() && byRequest.isEmpty()) {
            finished.tryComplete();
          }
        }
        default -> {
        }
      }
    });
    long start = System.nanoTime();
    window[0] = start + TimeUnit.SECONDS.toNanos(warmup);
    window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
    vertx.runOnContext(v -> {
      for (int i = 0; i < inflight; i++) {
        submit[0].run();
      }
    });
    finished.future().await(warmup + seconds + 30, TimeUnit.SECONDS);
    System.out.printf("echo: %d in flight, %d s measured: %.0f jobs/s%n", inflight, seconds,
        done.get() / (double) seconds);
    System.out.printf("  submit->accepted p50 %.3f ms  p99 %.3f ms%n", accepted.percentile(50), accepted.percentile(99));
    System.out.printf("  submit->result   p50 %.3f ms  p99 %.3f ms%n", completed.percentile(50),
        completed.percentile(99));
  }

  private void chatty() throws Exception {
    long events = Long.parseLong(arg("events", "1000000"));
    int size = Integer.parseInt(arg("size", "64"));
    int runs = Integer.parseInt(arg("runs", "3"));
    Session session = open();
    for (int run = 1; run <= runs; run++) {
      AtomicLong received = new AtomicLong();
      long[] firstEvent = new long[1];
      Promise<Long> finished = Promise.promise();
      session.ws.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        String type = frame.getString("type");
        if ("job.event".equals(type)) {
          if (received.getAndIncrement() == 0) {
            firstEvent[0] = System.nanoTime();
          }
        } else if ("job.result".equals(type) || "job.error".equals(type)) {
          finished.tryComplete(System.nanoTime());
        }
      });
      long start = System.nanoTime();
      session.ws.writeTextMessage(new JsonObject().put("arcp", "1.1").put("id", session.nextId())
          .put("type", "job.submit").put("session_id", session.id)
          .put("payload", new JsonObject().put("agent", arg("agent", "chatty"))
              .put("input", new JsonObject().put("count", events).put("size", size))).encode());
      long end = finished.future().await(600, TimeUnit.SECONDS);
      double secs = (end - start) / 1e9;
      System.out.printf("chatty run %d: %d events of %d bytes in %.2f s: %.0f events/s%n", run, received.get(), size,
          secs, received.get() / secs);
    }
  }

  /** One ARCP session. */
  private static final class Session {
    final WebSocket ws;
    String id;
    private long counter;

    Session(WebSocket ws) {
      this.ws = ws;
    }

    String nextId() {
      return String.format("01BENCH%019d", ++counter);
    }
  }

  /** Latency samples in nanoseconds. */
  private static final class Recorder {
    private long[] samples = new long[1 << 16];
    private int size;

    void add(long nanos) {
      if (size == samples.length) {
        samples = Arrays.copyOf(samples, size * 2);
      }
      samples[size++] = nanos;
    }

    double percentile(int p) {
      if (size == 0) {
        return Double.NaN;
      }
      long[] sorted = Arrays.copyOf(samples, size);
      Arrays.sort(sorted);
      return sorted[Math.min(size - 1, (int) Math.ceil(p / 100.0 * size) - 1)] / 1e6;
    }
  }
}
