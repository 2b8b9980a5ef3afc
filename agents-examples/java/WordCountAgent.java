import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * wordcount-java@1.0.0 — a standalone agent process (not a verticle) that connects to the gateway's agent bridge
 * (docs/agent-protocol.md) with plain {@link Socket}s; only JSON comes from the gateway's jar. Run it with Java's
 * single-file source launcher:
 *
 * <pre>
 *   java -cp target/arcp-gateway.jar agents-examples/java/WordCountAgent.java --port 7070 --token agent-secret
 * </pre>
 *
 * <p>Input {@code {"paths": [...], "chunk": C?, "encoding": "utf8"|"base64"?, "delay_ms": D?}}: each path is read
 * only after {@code fs.read} was authorized through the lease (refused paths are reported in {@code denied} and
 * {@code refused}, never read; after BUDGET_EXHAUSTED nothing more is read); progress per file; a
 * {@code cost.tokens} metric of 0.001 USD per 1000 words; the result inline {@code {counts, denied, refused,
 * total}} or, with {@code chunk}, streamed as result chunks of "path count" lines; cancel honoured between files.
 *
 * <p>The nested {@link ArcpAgent} is the reusable part: a tiny client library in one class.
 */
public final class WordCountAgent {

  static final double USD_PER_1000_WORDS = 0.001;

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>(Map.of("host", "127.0.0.1", "port", "7070", "name",
        "wordcount-java", "version", "1.0.0", "max-concurrent", "4"));
    String envToken = System.getenv("ARCP_AGENT_TOKEN");
    if (envToken != null) {
      args.put("token", envToken);
    }
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    }
    if (!args.containsKey("token") || argv.length % 2 != 0) {
      System.err.println("usage: java -cp target/arcp-gateway.jar agents-examples/java/WordCountAgent.java"
          + " --port 7070 --token TOKEN [--host H] [--name N] [--version V] [--max-concurrent N]");
      System.exit(2);
    }
    ArcpAgent agent = new ArcpAgent(args.get("host"), Integer.parseInt(args.get("port")), args.get("token"));
    JsonObject answer;
    try {
      answer = agent.announce(args.get("name"), args.get("version"), WordCountAgent::run,
          Integer.parseInt(args.get("max-concurrent")));
    } catch (ArcpAgent.ArcpError e) {
      System.err.println("announce refused: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println("announced " + answer.getString("agent") + " as " + answer.getString("provider"));
    agent.awaitClosed();
    System.exit(1);
  }

  static Object run(ArcpAgent.Job job) {
    JsonObject input = job.input() instanceof JsonObject o ? o : new JsonObject();
    List<String> paths = new ArrayList<>();
    Object given = input.getValue("paths");
    if (given != null) {
      if (!(given instanceof JsonArray array) || !array.stream().allMatch(p -> p instanceof String)) {
        throw new ArcpAgent.ArcpError("INVALID_REQUEST", "input.paths must be a list of strings", false, null);
      }
      array.forEach(p -> paths.add((String) p));
    }
    long delayMs = input.getLong("delay_ms", 0L);
    JsonObject counts = new JsonObject();
    JsonArray denied = new JsonArray();
    JsonObject refused = new JsonObject();
    StringBuilder lines = new StringBuilder();
    long total = 0;
    boolean exhausted = false;
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      if (delayMs > 0) {
        job.sleep(delayMs);
      }
      job.checkCancelled();
      if (exhausted) {
        denied.add(path);
        refused.put(path, "BUDGET_EXHAUSTED");
      } else {
        try {
          job.authorize("fs.read", path);
          long words = countWords(Files.readAllBytes(Path.of(path)));
          counts.put(path, words);
          total += words;
          lines.append(path).append(' ').append(words).append('\n');
          job.log("info", path + ": " + words + " words");
          job.metric("cost.tokens", Math.round(words * USD_PER_1000_WORDS / 1000 * 1e9) / 1e9, "USD");
        } catch (ArcpAgent.ArcpError e) {
          denied.add(path);
          refused.put(path, e.code);
          exhausted = e.code.equals("BUDGET_EXHAUSTED");
          job.log("warn", "fs.read " + path + " refused: " + e.getMessage());
        } catch (IOException e) {
          denied.add(path);
          refused.put(path, "NOT_READABLE");
          job.log("warn", "cannot read " + path + ": " + e);
        }
      }
      job.progress(i + 1, paths.size(), "files");
    }
    if (input.getValue("chunk") instanceof Number chunk && chunk.intValue() > 0) {
      stream(job, lines.toString(), chunk.intValue(), "base64".equals(input.getString("encoding")));
      job.result(null, counts.size() + " files, " + total + " words, " + denied.size() + " denied");
      return null;
    }
    return new JsonObject().put("counts", counts).put("denied", denied).put("refused", refused).put("total", total);
  }

  /** Words are runs of non-whitespace bytes (ASCII whitespace), as in the Python and Node.js twins. */
  static long countWords(byte[] bytes) {
    long words = 0;
    boolean inWord = false;
    for (byte b : bytes) {
      boolean space = b == ' ' || (b >= 0x09 && b <= 0x0d);
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }

  /** result_chunk events of at most {@code size} bytes each (utf8 chunks never split a character). */
  static void stream(ArcpAgent.Job job, String text, int size, boolean binary) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    List<byte[]> pieces = new ArrayList<>();
    for (int start = 0; start < data.length; ) {
      int end = Math.min(data.length, start + size);
      while (!binary && end < data.length && (data[end] & 0xc0) == 0x80) {
        end--;
      }
      pieces.add(java.util.Arrays.copyOfRange(data, start, end));
      start = end;
    }
    if (pieces.isEmpty()) {
      pieces.add(new byte[0]);
    }
    for (int i = 0; i < pieces.size(); i++) {
      job.checkCancelled();
      boolean more = i < pieces.size() - 1;
      if (binary) {
        job.chunk(pieces.get(i), more);
      } else {
        job.chunk(new String(pieces.get(i), StandardCharsets.UTF_8), more);
      }
    }
  }

  // =============================================================================================================

  /**
   * A tiny ARCP agent client: one TCP connection to the agent bridge (4-byte big-endian length + UTF-8 JSON
   * object per frame), authenticated on the first frame, one random inbox, announced agents, a thread per job,
   * heartbeats for running jobs, request/reply for authorize and delegate, cancel as a flag.
   */
  static final class ArcpAgent {

    /** An ARCP error (§12): a refused request, or what a job fails with. */
    static final class ArcpError extends RuntimeException {
      final String code;
      final String reason;
      final boolean retryable;
      final JsonObject details;

      ArcpError(String code, String reason, boolean retryable, JsonObject details) {
        super(code + ": " + reason);
        this.code = code;
        this.reason = reason;
        this.retryable = retryable;
        this.details = details;
      }

      JsonObject payload() {
        JsonObject out = new JsonObject().put("code", code).put("message", reason).put("retryable", retryable);
        return details == null ? out : out.put("details", details);
      }

      static ArcpError fromErrFrame(JsonObject frame) {
        String text = frame.getString("message", "refused");
        try {
          JsonObject e = new JsonObject(text);
          if (e.getString("code") != null) {
            return new ArcpError(e.getString("code"), e.getString("message", ""), e.getBoolean("retryable", false),
                e.getJsonObject("details"));
          }
        } catch (RuntimeException notJson) {
          // a bridge-level refusal
        }
        return new ArcpError("INTERNAL_ERROR", text, false, null);
      }
    }

    /** The job was cancelled (or otherwise ended by the gateway); nothing more may be sent for it. */
    static final class Cancelled extends RuntimeException {
      Cancelled(String reason) {
        super(reason);
      }
    }

    private static final class Pending {
      final CountDownLatch done = new CountDownLatch(1);
      final String jobId;
      volatile JsonObject value;
      volatile ArcpError error;

      Pending(String jobId) {
        this.jobId = jobId;
      }
    }

    private final Socket socket;
    private final OutputStream out;
    private final String inbox;
    private final Map<String, Function<Job, Object>> handlers = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final long requestTimeoutMs = 30_000;
    private volatile int heartbeatSec = 5;
    private volatile String lastErr;
    private boolean heartbeatsStarted;

    ArcpAgent(String host, int port, String token) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 10_000);
      out = socket.getOutputStream();
      byte[] random = new byte[12];
      new SecureRandom().nextBytes(random);
      inbox = "arcp.bridge.inbox." + HexFormat.of().formatHex(random);
      Thread reader = new Thread(this::readLoop, "arcp-reader");
      reader.setDaemon(true);
      reader.start();
      // the first frame carries the credential; registering first means the inbox exists before any announce
      send(new JsonObject().put("type", "register").put("address", inbox)
          .put("headers", new JsonObject().put("authorization", "Bearer " + token)));
    }

    void awaitClosed() throws InterruptedException {
      closed.await();
    }

    /** One frame; writes are serialised (small frames go out in one write with their length). */
    void send(JsonObject frame) {
      if (closed.getCount() == 0) {
        return;
      }
      byte[] data = frame.encode().getBytes(StandardCharsets.UTF_8);
      byte[] framed = new byte[4 + data.length];
      framed[0] = (byte) (data.length >>> 24);
      framed[1] = (byte) (data.length >>> 16);
      framed[2] = (byte) (data.length >>> 8);
      framed[3] = (byte) data.length;
      System.arraycopy(data, 0, framed, 4, data.length);
      synchronized (out) {
        try {
          out.write(framed);
        } catch (IOException e) {
          shutdown("write failed: " + e);
        }
      }
    }

    private void readLoop() {
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65536))) {
        while (true) {
          int length = in.readInt();
          byte[] body = new byte[length];
          in.readFully(body);
          onFrame(new JsonObject(new String(body, StandardCharsets.UTF_8)));
        }
      } catch (EOFException e) {
        shutdown("the gateway closed the connection");
      } catch (IOException | RuntimeException e) {
        shutdown("read failed: " + e);
      }
    }

    private void shutdown(String why) {
      if (closed.getCount() == 0) {
        return;
      }
      closed.countDown();
      System.err.println("arcp: connection closed (" + why + ")");
      pending.values().forEach(p -> {
        p.error = lost();
        p.done.countDown();
      });
      pending.clear();
      jobs.values().forEach(job -> job.cancelledBy("connection to the gateway lost"));
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    private ArcpError lost() {
      return new ArcpError("INTERNAL_ERROR", "connection to the gateway lost"
          + (lastErr != null ? " (the gateway said: " + lastErr + ")" : ""), true, null);
    }

    /** Sends a request and waits for its answer; throws ArcpError with the gateway's refusal. */
    JsonObject request(String address, JsonObject body, String jobId) {
      String reply = "r-" + ids.incrementAndGet();
      Pending p = new Pending(jobId);
      pending.put(reply, p);
      if (closed.getCount() == 0) {
        pending.remove(reply);
        throw lost();
      }
      send(new JsonObject().put("type", "send").put("address", address).put("replyAddress", reply).put("body", body));
      try {
        if (!p.done.await(requestTimeoutMs, TimeUnit.MILLISECONDS)) {
          pending.remove(reply);
          throw new ArcpError("TIMEOUT", "no answer from the gateway to " + body.getString("op") + " on " + address
              + (lastErr != null ? " (last refusal: " + lastErr + ")" : ""), true, null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ArcpError("INTERNAL_ERROR", "interrupted", true, null);
      }
      if (p.error != null) {
        throw p.error;
      }
      return p.value;
    }

    private void failPending(String jobId, ArcpError error) {
      pending.entrySet().removeIf(entry -> {
        if (jobId.equals(entry.getValue().jobId)) {
          entry.getValue().error = error;
          entry.getValue().done.countDown();
          return true;
        }
        return false;
      });
    }

    /** Announces name@version (answered by the gateway); handler runs each dispatched job on its own thread. */
    JsonObject announce(String name, String version, Function<Job, Object> handler, int maxConcurrent) {
      handlers.put(name + "@" + version, handler);
      JsonObject answer = request("arcp.bridge.announce", new JsonObject().put("name", name).put("version", version)
          .put("default", true).put("max_concurrent", maxConcurrent).put("inbox", inbox), null);
      heartbeatSec = Math.max(1, answer.getInteger("heartbeat_sec", heartbeatSec));
      synchronized (this) {
        if (!heartbeatsStarted) { // at the interval the gateway asked for, from the first announce on
          heartbeatsStarted = true;
          Thread heartbeats = new Thread(this::heartbeatLoop, "arcp-heartbeat");
          heartbeats.setDaemon(true);
          heartbeats.start();
        }
      }
      return answer;
    }

    private void onFrame(JsonObject frame) {
      String type = frame.getString("type");
      String address = frame.getString("address");
      if ("message".equals(type) && inbox.equals(address)) {
        onInbox(frame.getJsonObject("body", new JsonObject()));
      } else if (("message".equals(type) || "err".equals(type)) && address != null) {
        Pending p = pending.remove(address);
        if (p == null) {
          System.err.println("arcp: unexpected " + type + " for " + address + ": " + frame.encode());
          return;
        }
        if ("message".equals(type)) {
          p.value = frame.getValue("body") instanceof JsonObject body ? body : new JsonObject();
        } else {
          p.error = ArcpError.fromErrFrame(frame);
        }
        p.done.countDown();
      } else if ("err".equals(type)) {
        lastErr = frame.getString("message");
        System.err.println("arcp: the gateway refused a frame: " + lastErr);
      } else if (!"pong".equals(type)) {
        System.err.println("arcp: unexpected frame " + frame.encode());
      }
    }

    private void onInbox(JsonObject body) {
      String op = body.getString("op", "");
      if (op.equals("dispatch")) {
        Job job = new Job(body);
        jobs.put(job.id, job);
        System.err.println("arcp: running " + job.id + " (" + body.getString("agent") + ")");
        Function<Job, Object> handler = handlers.get(body.getString("agent"));
        if (handler == null) {
          job.fail("AGENT_NOT_AVAILABLE", "this process does not serve " + body.getString("agent"), false, null);
          jobs.remove(job.id);
          return;
        }
        Thread thread = new Thread(() -> run(job, handler), "job-" + job.id);
        thread.setDaemon(true);
        thread.start();
        return;
      }
      Job job = jobs.get(body.getString("job_id", ""));
      if (job == null) {
        return;
      }
      switch (op) {
        case "cancel" -> job.cancelledBy(body.getString("reason", "cancelled"));
        case "pause" -> job.setPaused(true);
        case "resume" -> job.setPaused(false);
        default -> { } // delegate_result: this example does not delegate
      }
    }

    private void run(Job job, Function<Job, Object> handler) {
      try {
        Object value = handler.apply(job);
        job.result(value, null);
      } catch (Cancelled e) {
        // the gateway already ended the job
      } catch (ArcpError e) {
        if (!job.cancelled) {
          job.fail(e.code, e.reason, e.retryable, e.details);
        }
      } catch (RuntimeException e) {
        if (!job.cancelled) {
          job.fail("INTERNAL_ERROR", e.toString(), false, null);
        }
      } finally {
        jobs.remove(job.id);
      }
    }

    private void heartbeatLoop() {
      try {
        while (!closed.await(heartbeatSec, TimeUnit.SECONDS)) {
          jobs.values().forEach(job -> job.sendOp("heartbeat", new JsonObject()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** One dispatched job. */
    final class Job {
      final JsonObject dispatch;
      final String id;
      final String token;
      final String address;
      volatile boolean cancelled;
      volatile boolean finished;
      volatile String cancelReason;
      private boolean paused;
      private long chunkSeq;

      Job(JsonObject dispatch) {
        this.dispatch = dispatch;
        this.id = dispatch.getString("job_id");
        this.token = dispatch.getString("job_token");
        this.address = "arcp.job." + id;
      }

      Object input() {
        return dispatch.getValue("input");
      }

      JsonObject lease() {
        return dispatch.getJsonObject("lease", new JsonObject());
      }

      void checkCancelled() {
        if (cancelled) {
          throw new Cancelled(cancelReason);
        }
      }

      /** Sleeps, waking early (with Cancelled) when the job is cancelled. */
      synchronized void sleep(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        try {
          for (long left = millis; left > 0 && !cancelled; left = deadline - System.currentTimeMillis()) {
            wait(left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        checkCancelled();
      }

      synchronized void cancelledBy(String reason) {
        if (cancelled) {
          return;
        }
        cancelReason = reason;
        cancelled = true;
        finished = true;
        paused = false;
        notifyAll();
        failPending(id, new ArcpError("CANCELLED", reason, false, null));
      }

      synchronized void setPaused(boolean value) {
        paused = value;
        notifyAll();
      }

      void sendOp(String op, JsonObject fields) {
        if (finished && !op.equals("result") && !op.equals("fail")) {
          return;
        }
        send(new JsonObject().put("type", "send").put("address", address)
            .put("body", fields.put("op", op).put("job_token", token)));
      }

      /** Emits a §8.2 event; holds back while the job's client is not keeping up (paused). */
      void event(String kind, JsonObject body) {
        synchronized (this) {
          try {
            while (paused && !cancelled) {
              wait();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        sendOp("event", new JsonObject().put("kind", kind).put("body", body));
      }

      void log(String level, String message) {
        event("log", new JsonObject().put("level", level).put("message", message));
      }

      void progress(long current, long total, String units) {
        event("progress", new JsonObject().put("current", current).put("total", total).put("units", units));
      }

      void metric(String name, Number value, String unit) {
        event("metric", new JsonObject().put("name", name).put("value", value).put("unit", unit));
      }

      void chunk(String text, boolean more) {
        event("result_chunk", new JsonObject().put("chunk_seq", chunkSeq++).put("data", text).put("encoding", "utf8")
            .put("more", more));
      }

      void chunk(byte[] bytes, boolean more) {
        event("result_chunk", new JsonObject().put("chunk_seq", chunkSeq++)
            .put("data", Base64.getEncoder().encodeToString(bytes)).put("encoding", "base64").put("more", more));
      }

      /** Asks before an authority-bearing operation (§9.3); throws ArcpError when refused. */
      void authorize(String capability, String resource) {
        checkCancelled();
        try {
          request(address, new JsonObject().put("op", "authorize").put("job_token", token)
              .put("capability", capability).put("resource", resource), id);
        } catch (ArcpError e) {
          checkCancelled();
          throw e;
        }
      }

      /** Ends the job successfully: value inline, or (after result chunks) only the summary. */
      void result(Object value, String summary) {
        if (finished) {
          return;
        }
        finished = true;
        JsonObject fields = new JsonObject();
        if (chunkSeq == 0) {
          fields.put("result", value);
        }
        if (summary != null) {
          fields.put("summary", summary);
        }
        sendOp("result", fields);
      }

      void fail(String code, String message, boolean retryable, JsonObject details) {
        if (finished) {
          return;
        }
        finished = true;
        sendOp("fail", new JsonObject().put("error", new ArcpError(code, message, retryable, details).payload()));
      }
    }
  }
}
