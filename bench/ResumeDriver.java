import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Resume of a long backlog across processes (and across a gateway restart, when the script restarts it between
 * the two phases). Run with the gateway's fat jar on the class path:
 *
 * <pre>
 *   java -cp target/arcp-gateway.jar:target/drv ResumeDriver submit --url URL --token T --events 100000 --state F
 *   java -cp target/arcp-gateway.jar:target/drv ResumeDriver resume --url URL --token T --state F [--form nested]
 *   java -cp target/arcp-gateway.jar:target/drv ResumeDriver failover --url A --url-b B --token T --kill-pid P
 * </pre>
 *
 * <ul>
 *   <li>{@code submit}: says hello, submits one {@code chatty} job of {@code --events} events of {@code --size}
 *       bytes, reads every frame until its {@code job.result} (checking event_seq 1, 2, … as it goes), writes the
 *       session id, the welcome's resume token and the job's numbers to {@code --state}, then closes the WebSocket
 *       without {@code session.close}, so the session is parked, not ended.</li>
 *   <li>{@code resume}: sends the resume with {@code last_event_seq} 0 in one of the three forms the gateway
 *       accepts ({@code --form nested}: {@code session.hello} with a {@code resume} block, the default;
 *       {@code flat}: {@code resume_token} and {@code last_event_seq} in the hello's payload; {@code frame}: a
 *       {@code session.resume} frame), and times, from that send, the welcome, the {@code --events}-th replayed
 *       event and the replayed {@code job.result}. Every frame with an event_seq must come exactly once and in
 *       order, 1 to the result's seq, each chatty message in its place; after the result the connection must stay
 *       quiet for {@code --quiet-ms} (a duplicate would show there). Then it stores the welcome's new resume
 *       token in {@code --state} (the token rotates on every welcome) and closes the socket, so the session can
 *       be resumed again. A refusal ({@code session.error}) is reported as such.</li>
 *   <li>{@code failover}: a cluster node's loss as its client sees it. Submits {@code --jobs} chatty jobs of
 *       {@code --events} events on node {@code --url}, reads until each has streamed {@code --kill-after} events,
 *       then kills process {@code --kill-pid} ({@code kill -9}: that node) and resumes with a
 *       {@code session.resume} frame on node {@code --url-b} from the last event_seq it read, reconnecting until
 *       B answers. Every frame with an event_seq must follow on without a gap or a repeat, each job's chatty
 *       messages continuing where they stopped, until every job has ended; it times, from the kill, the welcome
 *       and the last job's end (its job.error, or a job.result if it finished first).</li>
 * </ul>
 *
 * <p>Each phase prints one {@code RESULT {json}} line. Exit code 0 when the phase did what it checks, 3 when the
 * resume was refused, 1 otherwise. {@code --cpu-pid P} adds the CPU seconds process P (the gateway) spent between
 * the resume and the result. The client asks for no {@code ack} feature, so the gateway never frees the
 * buffer on acknowledgement: the server needs {@code limits.resume_buffer_max_events} above the job's frames.
 */
public final class ResumeDriver {

  private static final long CLK_TCK = 100; // Linux USER_HZ
  private static final JsonArray FEATURES = new JsonArray().add("progress").add("result_chunk").add("agent_versions");

  private final Map<String, String> args = new HashMap<>();
  private final Vertx vertx = Vertx.vertx();
  /** Held for the whole run: Vert.x closes a client that is no longer referenced, and its connections with it. */
  private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(64 << 20).setMaxMessageSize(64 << 20));
  private long ids;

  public static void main(String[] argv) throws Exception {
    ResumeDriver driver = new ResumeDriver();
    for (int i = 1; i + 1 < argv.length; i += 2) {
      driver.args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    int exit;
    try {
      exit = switch (argv.length == 0 ? "" : argv[0]) {
        case "submit" -> driver.submit();
        case "resume" -> driver.resume();
        case "failover" -> driver.failover();
        default -> {
          System.err.println("usage: ResumeDriver submit|resume|failover --url URL --token TOKEN [options]");
          yield 2;
        }
      };
    } finally {
      driver.vertx.close().await(10, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  private String arg(String name, String fallback) {
    return args.getOrDefault(name, fallback);
  }

  // ---- phase 1 --------------------------------------------------------------------------------------------

  private int submit() throws Exception {
    long events = Long.parseLong(arg("events", "100000"));
    int size = Integer.parseInt(arg("size", "64"));
    long timeoutSec = Long.parseLong(arg("timeout", "300"));
    WebSocket ws = connect();
    Promise<JsonObject> welcomed = Promise.promise();
    Promise<JsonObject> finished = Promise.promise();
    String[] jobId = new String[1];
    long[] seen = new long[2]; // {frames with event_seq, seq gaps or repeats}
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      String type = frame.getString("type");
      Long seq = frame.getLong("event_seq");
      if (seq != null && seq != ++seen[0]) {
        seen[1]++;
      }
      switch (type) {
        case "session.welcome" -> welcomed.tryComplete(frame);
        case "session.error" -> {
          welcomed.tryFail(text);
          finished.tryFail(text);
        }
        case "job.accepted" -> jobId[0] = frame.getString("job_id");
        case "job.result", "job.error" -> {
          if (frame.getString("job_id") != null && frame.getString("job_id").equals(jobId[0])) {
            finished.tryComplete(frame);
          }
        }
        default -> {
        }
      }
    });
    ws.closeHandler(v -> finished.tryFail("the gateway closed the connection"));
    ws.writeTextMessage(hello().encode());
    JsonObject welcome = welcomed.future().await(10, TimeUnit.SECONDS);
    String sessionId = welcome.getString("session_id");
    long start = System.nanoTime();
    ws.writeTextMessage(frame("job.submit", sessionId, new JsonObject().put("agent", "chatty")
        .put("input", new JsonObject().put("count", events).put("size", size))).encode());
    JsonObject terminal = finished.future().await(timeoutSec, TimeUnit.SECONDS);
    double secs = (System.nanoTime() - start) / 1e9;
    long resultSeq = terminal.getLong("event_seq", -1L);
    boolean ok = "job.result".equals(terminal.getString("type")) && seen[1] == 0 && resultSeq == events + 1;
    JsonObject state = new JsonObject().put("session_id", sessionId)
        .put("resume_token", welcome.getJsonObject("payload").getString("resume_token"))
        .put("job_id", jobId[0]).put("events", events).put("result_seq", resultSeq);
    Files.writeString(Path.of(arg("state", "target/resume-state.json")), state.encodePrettily());
    ws.close().await(10, TimeUnit.SECONDS); // a transport close, not session.close: the session is parked
    System.out.println("RESULT " + new JsonObject().put("mode", "submit").put("ok", ok).put("events", events)
        .put("size", size).put("frames", seen[0]).put("out_of_order", seen[1]).put("result_seq", resultSeq)
        .put("job_s", round(secs, 3)).put("events_per_s", Math.round(events / secs)).encode());
    if (!ok) {
      System.err.println("the job did not end in order with job.result: " + terminal.encode());
    }
    return ok ? 0 : 1;
  }

  // ---- phase 2 --------------------------------------------------------------------------------------------

  private int resume() throws Exception {
    Path statePath = Path.of(arg("state", "target/resume-state.json"));
    JsonObject state = new JsonObject(Files.readString(statePath));
    String form = arg("form", "nested");
    long events = state.getLong("events");
    long resultSeq = state.getLong("result_seq");
    String jobId = state.getString("job_id");
    long timeoutSec = Long.parseLong(arg("timeout", "120"));
    long quietMs = Long.parseLong(arg("quiet-ms", "300"));
    String cpuPid = arg("cpu-pid", "");
    JsonObject resumeFrame = resumeFrame(form, state.getString("session_id"), state.getString("resume_token"));

    WebSocket ws = connect();
    Promise<JsonObject> welcomed = Promise.promise();
    Promise<Void> allEvents = Promise.promise();
    Promise<Void> result = Promise.promise();
    Promise<String> refused = Promise.promise();
    long[] at = new long[3]; // nanos of {welcome, events-th event, result}
    long[] counts = new long[4]; // {next expected seq - 1, events, bad frames, frames after the result}
    String[] firstBad = new String[1];
    ws.textMessageHandler(text -> {
      long now = System.nanoTime();
      JsonObject frame = new JsonObject(text);
      String type = frame.getString("type");
      if ("session.welcome".equals(type)) {
        at[0] = now;
        welcomed.tryComplete(frame);
        return;
      }
      if ("session.error".equals(type)) {
        JsonObject payload = frame.getJsonObject("payload", new JsonObject());
        refused.tryComplete(payload.getString("code") + ": " + payload.getString("message"));
        welcomed.tryFail("refused");
        return;
      }
      Long seq = frame.getLong("event_seq");
      if (seq == null) {
        return;
      }
      if (result.future().isComplete()) {
        counts[3]++; // nothing with an event_seq may follow the replayed result
        return;
      }
      boolean inPlace = seq == counts[0] + 1 && jobId.equals(frame.getString("job_id"));
      if ("job.event".equals(type)) {
        inPlace &= chattyIndex(frame) == seq - 1;
        counts[1]++;
        if (counts[1] == events) {
          at[1] = now;
          allEvents.tryComplete();
        }
      } else {
        inPlace &= "job.result".equals(type) && seq == resultSeq;
        at[2] = now;
        result.tryComplete();
      }
      if (!inPlace && counts[2]++ == 0) {
        firstBad[0] = "expected event_seq " + (counts[0] + 1) + ", got " + text;
      }
      counts[0] = seq;
    });
    ws.closeHandler(v -> {
      refused.tryFail("closed");
      welcomed.tryFail("the gateway closed the connection");
      result.tryFail("the gateway closed the connection after " + counts[1] + " events");
    });

    long cpuStart = cpuTicks(cpuPid);
    long start = System.nanoTime();
    ws.writeTextMessage(resumeFrame.encode());
    JsonObject out = new JsonObject().put("mode", "resume").put("form", form).put("events", events);
    JsonObject welcome;
    try {
      welcome = welcomed.future().await(timeoutSec, TimeUnit.SECONDS);
    } catch (Exception notWelcomed) {
      boolean wasRefused = refused.future().succeeded();
      out.put("ok", false).put(wasRefused ? "refused" : "failure",
          wasRefused ? refused.future().result() : String.valueOf(notWelcomed.getMessage()));
      System.out.println("RESULT " + out.encode());
      return wasRefused ? 3 : 1;
    }
    try {
      result.future().await(timeoutSec, TimeUnit.SECONDS);
    } catch (Exception incomplete) {
      System.out.println("RESULT " + out.put("ok", false).put("replayed_events", counts[1])
          .put("failure", String.valueOf(incomplete.getMessage())).encode());
      return 1;
    }
    long cpuEnd = cpuTicks(cpuPid);
    Thread.sleep(quietMs); // a duplicate after the result would arrive here
    // the token rotates on every welcome: keep the new one, so the session can be resumed again
    Files.writeString(statePath, state.put("resume_token", welcome.getJsonObject("payload").getString("resume_token"))
        .encodePrettily());
    ws.close().await(10, TimeUnit.SECONDS);
    boolean ok = allEvents.future().isComplete() && counts[2] == 0 && counts[3] == 0;
    double toEvents = allEvents.future().isComplete() ? (at[1] - start) / 1e9 : -1;
    out.put("ok", ok).put("replayed_events", counts[1]).put("out_of_place", counts[2])
        .put("after_result", counts[3]).put("welcome_ms", round((at[0] - start) / 1e6, 1))
        .put("resume_s", round(toEvents, 3)).put("result_s", round((at[2] - start) / 1e9, 3))
        .put("events_per_s", toEvents > 0 ? Math.round(events / toEvents) : -1);
    if (cpuStart >= 0 && cpuEnd >= 0) {
      out.put("server_cpu_s", round((cpuEnd - cpuStart) / (double) CLK_TCK, 2));
    }
    System.out.println("RESULT " + out.encode());
    if (firstBad[0] != null) {
      System.err.println(firstBad[0]);
    }
    return ok ? 0 : 1;
  }

  // ---- failover -------------------------------------------------------------------------------------------

  private int failover() throws Exception {
    int jobs = Integer.parseInt(arg("jobs", "2"));
    long events = Long.parseLong(arg("events", "200000"));
    long killAfter = Long.parseLong(arg("kill-after", "20000"));
    long timeoutSec = Long.parseLong(arg("timeout", "60"));
    WebSocket ws = connect(arg("url", "ws://127.0.0.1:8080/arcp"));
    Promise<JsonObject> welcomed = Promise.promise();
    Promise<Void> streamed = Promise.promise();
    Map<String, Long> lastEvent = new HashMap<>(); // job id -> the last chatty message index read
    long[] lastSeq = {0};
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      switch (frame.getString("type")) {
        case "session.welcome" -> welcomed.tryComplete(frame);
        case "session.error", "job.error", "job.result" -> streamed.tryFail("before the kill: " + text);
        default -> {
          Long seq = frame.getLong("event_seq");
          if (seq != null && !streamed.future().isComplete()) {
            lastSeq[0] = seq;
            long index = chattyIndex(frame);
            if (index >= 0) {
              lastEvent.put(frame.getString("job_id"), index);
            }
            if (lastEvent.size() == jobs && lastEvent.values().stream().allMatch(i -> i + 1 >= killAfter)) {
              streamed.tryComplete();
            }
          }
        }
      }
    });
    ws.writeTextMessage(hello().encode());
    JsonObject welcome = welcomed.future().await(10, TimeUnit.SECONDS);
    String sessionId = welcome.getString("session_id");
    for (int i = 0; i < jobs; i++) {
      ws.writeTextMessage(frame("job.submit", sessionId, new JsonObject().put("agent", "chatty")
          .put("input", new JsonObject().put("count", events).put("size", 64))).encode());
    }
    streamed.future().await(timeoutSec, TimeUnit.SECONDS);
    Map<String, Long> seenBeforeKill = new HashMap<>(lastEvent);
    long resumeFrom = lastSeq[0];

    Process kill = new ProcessBuilder("kill", "-9", arg("kill-pid", "")).inheritIO().start();
    long killed = System.nanoTime();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -9 " + arg("kill-pid", "") + " failed");
    }
    ws.close();

    JsonObject resume = frame("session.resume", null, new JsonObject().put("session_id", sessionId)
        .put("resume_token", welcome.getJsonObject("payload").getString("resume_token"))
        .put("last_event_seq", resumeFrom));
    Promise<Void> ended = Promise.promise();
    Promise<JsonObject> rewelcomed = Promise.promise();
    long[] at = new long[2]; // nanos of {welcome, the last job's end}
    long[] counts = {resumeFrom, 0, 0}; // {last seq, replayed frames, frames out of place}
    Map<String, String> outcomes = new HashMap<>();
    String[] firstBad = new String[1];
    WebSocket onB = connectRetrying(arg("url-b", ""), timeoutSec);
    onB.textMessageHandler(text -> {
      long now = System.nanoTime();
      JsonObject frame = new JsonObject(text);
      String type = frame.getString("type");
      if ("session.welcome".equals(type)) {
        at[0] = now;
        rewelcomed.tryComplete(frame);
        return;
      }
      if ("session.error".equals(type)) {
        rewelcomed.tryFail(text);
        ended.tryFail(text);
        return;
      }
      Long seq = frame.getLong("event_seq");
      if (seq == null) {
        return;
      }
      counts[1]++;
      String jobId = frame.getString("job_id");
      boolean inPlace = seq == counts[0] + 1 && seenBeforeKill.containsKey(jobId) && !outcomes.containsKey(jobId);
      long index = chattyIndex(frame);
      if (index >= 0) {
        inPlace &= index == lastEvent.getOrDefault(jobId, -2L) + 1;
        lastEvent.put(jobId, index);
      } else if ("job.error".equals(type) || "job.result".equals(type)) {
        JsonObject payload = frame.getJsonObject("payload", new JsonObject());
        outcomes.put(jobId, "job.result".equals(type) ? "result" : payload.getString("code")
            + (payload.getBoolean("retryable", false) ? " (retryable)" : ""));
        if (outcomes.size() == jobs) {
          at[1] = now;
          ended.tryComplete();
        }
      }
      if (!inPlace && counts[2]++ == 0) {
        firstBad[0] = "expected event_seq " + (counts[0] + 1) + " in place, got " + text;
      }
      counts[0] = seq;
    });
    onB.writeTextMessage(resume.encode());
    JsonObject out = new JsonObject().put("mode", "failover").put("jobs", jobs).put("kill_after", killAfter);
    try {
      rewelcomed.future().await(timeoutSec, TimeUnit.SECONDS);
      ended.future().await(timeoutSec, TimeUnit.SECONDS);
    } catch (Exception incomplete) {
      System.out.println("RESULT " + out.put("ok", false).put("replayed", counts[1])
          .put("failure", String.valueOf(incomplete.getMessage())).encode());
      return 1;
    }
    onB.close();
    boolean ok = counts[2] == 0;
    out.put("ok", ok).put("replayed", counts[1]).put("out_of_place", counts[2])
        .put("outcomes", new JsonArray(List.copyOf(outcomes.values())))
        .put("welcome_ms", round((at[0] - killed) / 1e6, 1)).put("ended_s", round((at[1] - killed) / 1e9, 3));
    System.out.println("RESULT " + out.encode());
    if (firstBad[0] != null) {
      System.err.println(firstBad[0]);
    }
    return ok ? 0 : 1;
  }

  /** Connects to {@code url}, again every 50 ms while nothing listens there yet, for up to {@code timeoutSec}. */
  private WebSocket connectRetrying(String url, long timeoutSec) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSec);
    while (true) {
      try {
        return connect(url);
      } catch (Exception refused) {
        if (System.nanoTime() > deadline) {
          throw refused;
        }
        Thread.sleep(50);
      }
    }
  }

  /** The resume request in {@code form} (the three forms of wire-notes §4.1/§13 the gateway accepts). */
  private JsonObject resumeFrame(String form, String sessionId, String resumeToken) {
    return switch (form) {
      case "nested" -> {
        JsonObject hello = hello();
        hello.getJsonObject("payload").put("resume", new JsonObject().put("session_id", sessionId)
            .put("resume_token", resumeToken).put("last_event_seq", 0));
        yield hello;
      }
      case "flat" -> {
        JsonObject hello = hello();
        hello.getJsonObject("payload").put("resume_token", resumeToken).put("last_event_seq", 0);
        yield hello;
      }
      case "frame" -> frame("session.resume", null, new JsonObject().put("session_id", sessionId)
          .put("resume_token", resumeToken).put("last_event_seq", 0));
      default -> throw new IllegalArgumentException("--form is nested, flat or frame, not " + form);
    };
  }

  // ---- wire -----------------------------------------------------------------------------------------------

  private WebSocket connect() throws Exception {
    return connect(arg("url", "ws://127.0.0.1:8080/arcp"));
  }

  private WebSocket connect(String address) throws Exception {
    URI url = URI.create(address);
    return client.connect(new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort()).setURI(url.getPath()))
        .await(10, TimeUnit.SECONDS);
  }

  private JsonObject hello() {
    return frame("session.hello", null, new JsonObject()
        .put("client", new JsonObject().put("name", "arcp-resume-driver").put("version", "1"))
        .put("auth", new JsonObject().put("scheme", "bearer").put("token", arg("token", "")))
        .put("capabilities", new JsonObject().put("features", FEATURES.copy())));
  }

  private JsonObject frame(String type, String sessionId, JsonObject payload) {
    JsonObject frame = new JsonObject().put("arcp", "1.1").put("id", String.format("01DR%022d", ++ids))
        .put("type", type);
    if (sessionId != null) {
      frame.put("session_id", sessionId);
    }
    return frame.put("payload", payload);
  }

  /** The number of a chatty log message ({@code "event 17 xxx"} → 17), or -1. */
  private static long chattyIndex(JsonObject frame) {
    JsonObject body = frame.getJsonObject("payload", new JsonObject()).getJsonObject("body");
    String message = body == null ? null : body.getString("message");
    if (message == null || !message.startsWith("event ")) {
      return -1;
    }
    int end = message.indexOf(' ', 6);
    return Long.parseLong(message.substring(6, end < 0 ? message.length() : end));
  }

  /** utime+stime of process {@code pid} in clock ticks, or -1 (no pid, or unreadable). */
  private static long cpuTicks(String pid) {
    if (pid.isEmpty()) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 of stat(5)
    } catch (Exception e) {
      return -1;
    }
  }

  private static double round(double v, int digits) {
    double m = Math.pow(10, digits);
    return Math.round(v * m) / m;
  }
}
