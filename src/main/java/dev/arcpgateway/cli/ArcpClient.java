package dev.arcpgateway.cli;

import dev.arcpgateway.protocol.Feature;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One ARCP session of a client command. It connects, says hello, answers pings, acknowledges what it handed out,
 * and gives the command's thread the runtime's frames in order. When the connection drops (or the runtime stays
 * silent for two heartbeat intervals, or skips an event_seq) it resumes the session (§6.3) with the latest resume
 * token and the last event_seq it handed out, and drops replayed duplicates: the command sees every event once.
 * A resume that cannot be made ends the command with exit code 4.
 *
 * <p>Blocking methods are for the command's thread; the WebSocket handlers only queue what arrives.
 */
final class ArcpClient implements AutoCloseable {

  /** Thrown from {@link #next} when the user pressed Ctrl-C; see {@link Interrupts}. */
  static final class Interrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Interrupted() {
      super("interrupted", null, false, false);
    }
  }

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int RESUME_ATTEMPTS = 5;
  private static final long FIRST_RETRY_MS = 200;
  private static final int ACK_EVERY_EVENTS = 200;
  private static final long ACK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** What the WebSocket handlers (and Ctrl-C) queue for the command's thread. */
  private sealed interface Inbound permits Frame, Malformed, Dropped, Interrupt {
  }

  /** A text frame that is not a JSON object: the runtime is broken, and a resume would only replay it. */
  private record Malformed(int connection) implements Inbound {
  }

  private record Frame(int connection, JsonObject frame) implements Inbound {
  }

  private record Dropped(int connection, String why) implements Inbound {
  }

  private record Interrupt() implements Inbound {
  }

  private final Vertx vertx;
  private final WebSocketClient client;
  private final URI uri;
  private final PrintStream notices;
  private final LinkedBlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
  private WebSocket ws;
  private int connection;
  private String sessionId;
  private String resumeToken;
  private JsonObject welcome;
  private boolean acknowledging;
  private long heartbeatNanos;
  private long lastSeq;
  private long ackedSeq;
  private long ackedAtNanos = System.nanoTime();
  private long gapAt = -1;
  private boolean interruptPending;

  private ArcpClient(Vertx vertx, URI uri, PrintStream notices) {
    this.vertx = vertx;
    this.uri = uri;
    this.notices = notices;
    // keep the client referenced: Vert.x closes a garbage-collected client together with its connections
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 << 20)
        .setMaxFrameSize(64 << 20).setConnectTimeout((int) CONNECT_TIMEOUT.toMillis()));
  }

  /** Connects and says hello with every feature; exits 3 when the token is refused, 4 when nobody answers. */
  static ArcpClient open(ClientOptions options, String clientName, Deadline deadline, PrintStream notices) {
    URI uri = options.uri();
    String token = options.bearerToken();
    ArcpClient session = new ArcpClient(Vertx.vertx(), uri, notices);
    try {
      session.attach(session.connect(deadline, "cannot connect to " + uri));
      JsonObject welcome = session.handshake(ClientFrames.hello(clientName, token), deadline, "session.welcome");
      if (welcome == null) {
        throw new CliFailure(ExitCodes.CONNECTION, uri + " closed the connection before session.welcome");
      }
      session.welcomed(welcome);
      return session;
    } catch (RuntimeException e) {
      session.vertx.close();
      throw e;
    }
  }

  JsonObject welcome() {
    return welcome;
  }

  /** Sends a frame of this session (with {@code jobId} in the envelope when not null); returns its id. */
  String send(String type, String jobId, JsonObject payload) {
    JsonObject frame = ClientFrames.envelope(type, payload).put("session_id", sessionId);
    if (jobId != null) {
      frame.put("job_id", jobId);
    }
    ws.writeTextMessage(frame.encode()); // a failed write shows up as the drop that follows it
    return frame.getString("id");
  }

  /** Makes the next (or the current) {@link #next} throw {@link Interrupted}. Any thread. */
  void interrupt() {
    inbox.add(new Interrupt());
  }

  /**
   * The next frame of the session other than pings and replayed duplicates, resuming the session on the way
   * when the connection drops. Throws {@link Interrupted} on Ctrl-C and exits 5 when {@code deadline} passes.
   */
  JsonObject next(Deadline deadline, String waitingFor) {
    while (true) {
      if (interruptPending) {
        interruptPending = false;
        throw new Interrupted();
      }
      Inbound item = poll(deadline.earliest(watchdog()));
      if (item == null) {
        if (deadline.passed()) {
          throw deadline.expired(waitingFor);
        }
        drop("nothing from the runtime for two heartbeat intervals");
        continue;
      }
      if (item instanceof Interrupt) {
        throw new Interrupted();
      }
      if (item instanceof Malformed malformed && malformed.connection() == connection) {
        throw malformed();
      }
      if (item instanceof Dropped dropped && dropped.connection() == connection) {
        resume(dropped.why(), deadline);
      } else if (item instanceof Frame received && received.connection() == connection) {
        JsonObject frame = accept(received.frame());
        if (frame != null) {
          return frame;
        }
      }
    }
  }

  /** Closes the session gracefully ({@code session.close}, §6.7); jobs keep running. */
  @Override
  public void close() {
    try {
      if (ws != null && !ws.isClosed()) {
        send("session.close", null, new JsonObject().put("reason", "client done"));
        Deadline briefly = Deadline.after(Duration.ofSeconds(1));
        Inbound item;
        while ((item = poll(briefly)) != null) {
          if (item instanceof Dropped
              || item instanceof Frame f && "session.closed".equals(ClientFrames.type(f.frame()))) {
            break;
          }
        }
        ws.close();
      }
    } finally {
      try {
        vertx.close().await(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the process is exiting
      }
    }
  }

  // ---- frames -------------------------------------------------------------------------------------------------

  /** A frame of the current connection: pings answered, duplicates dropped; null when nothing is to be shown. */
  private JsonObject accept(JsonObject frame) {
    if ("session.ping".equals(ClientFrames.type(frame))) {
      send("session.pong", null, new JsonObject()
          .put("ping_nonce", frame.getJsonObject("payload", new JsonObject()).getString("nonce"))
          .put("received_at", Instant.now().toString()));
      return null;
    }
    Long seq = frame.getLong("event_seq");
    if (seq == null) {
      return frame;
    }
    if (seq <= lastSeq) {
      return null; // replayed after a resume, already handed out
    }
    if (seq > lastSeq + 1) {
      if (gapAt == lastSeq) {
        throw new CliFailure(ExitCodes.CONNECTION, "the runtime skipped events " + (lastSeq + 1) + " to "
            + (seq - 1) + " even after a resume");
      }
      gapAt = lastSeq;
      drop("event_seq jumped from " + lastSeq + " to " + seq);
      return null;
    }
    lastSeq = seq;
    acknowledge();
    return frame;
  }

  /** §6.5: at most every few hundred events or milliseconds, so that the runtime frees its buffer. */
  private void acknowledge() {
    long now = System.nanoTime();
    if (acknowledging && (lastSeq - ackedSeq >= ACK_EVERY_EVENTS || now - ackedAtNanos >= ACK_EVERY_NANOS)) {
      send("session.ack", null, new JsonObject().put("last_processed_seq", lastSeq));
      ackedSeq = lastSeq;
      ackedAtNanos = now;
    }
  }

  // ---- connections --------------------------------------------------------------------------------------------

  private WebSocket connect(Deadline deadline, String failure) {
    Deadline bounded = deadline.earliest(Deadline.after(CONNECT_TIMEOUT));
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/arcp" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    boolean secure = "wss".equalsIgnoreCase(uri.getScheme());
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(uri.getHost()).setSsl(secure)
        .setPort(uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80).setURI(path);
    try {
      return client.connect(options).await(bounded.remainingMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      if (deadline.passed()) {
        throw deadline.expired("a connection to " + uri);
      }
      throw new CliFailure(ExitCodes.CONNECTION, failure + ": no answer within " + Deadline.describe(CONNECT_TIMEOUT));
    } catch (Exception e) {
      throw new CliFailure(ExitCodes.CONNECTION, failure + ": " + reason(e));
    }
  }

  /** Makes {@code socket} the current connection; what older ones still report is ignored. */
  private void attach(WebSocket socket) {
    int generation = ++connection;
    ws = socket;
    socket.textMessageHandler(text -> {
      try {
        inbox.add(new Frame(generation, new JsonObject(text)));
      } catch (DecodeException e) {
        inbox.add(new Malformed(generation));
      }
    });
    socket.closeHandler(v -> inbox.add(new Dropped(generation, socket.closeReason() != null
        ? "closed: " + socket.closeReason() : "closed")));
    socket.exceptionHandler(e -> inbox.add(new Dropped(generation, reason(e))));
  }

  /**
   * Sends {@code first} (hello or resume) and waits for the welcome. A refusal ends the command; null when the
   * connection closed first.
   */
  private JsonObject handshake(JsonObject first, Deadline deadline, String waitingFor) {
    ws.writeTextMessage(first.encode());
    while (true) {
      Inbound item = poll(deadline);
      if (item == null) {
        throw deadline.expired(waitingFor);
      }
      if (item instanceof Interrupt) {
        interruptPending = true; // raised once the session is back
      } else if (item instanceof Malformed malformed && malformed.connection() == connection) {
        throw malformed();
      } else if (item instanceof Dropped dropped && dropped.connection() == connection) {
        return null;
      } else if (item instanceof Frame received && received.connection() == connection) {
        JsonObject frame = received.frame();
        switch (ClientFrames.type(frame)) {
          case "session.welcome" -> {
            return frame;
          }
          case "session.error", "job.error" -> throw refused(first, frame);
          case "session.ping" -> accept(frame);
          default -> {
            // nothing else belongs before the welcome
          }
        }
      }
    }
  }

  private CliFailure malformed() {
    return new CliFailure(ExitCodes.CONNECTION, uri + " sent a frame that is not a JSON object");
  }

  private CliFailure refused(JsonObject first, JsonObject error) {
    String code = error.getJsonObject("payload", new JsonObject()).getString("code", "");
    if ("session.resume".equals(ClientFrames.type(first))) {
      return new CliFailure(ExitCodes.CONNECTION, "the connection was lost and session " + sessionId
          + " cannot be resumed: " + ClientFrames.describeError(error));
    }
    if (code.equals("UNAUTHENTICATED") || code.equals("PERMISSION_DENIED")) {
      return new CliFailure(ExitCodes.AUTH_REFUSED, "authentication refused by " + uri + ": "
          + ClientFrames.describeError(error));
    }
    return new CliFailure(ExitCodes.JOB_ERROR, uri + " refused the session: " + ClientFrames.describeError(error));
  }

  private void welcomed(JsonObject frame) {
    welcome = frame;
    sessionId = frame.getString("session_id");
    JsonObject payload = frame.getJsonObject("payload", new JsonObject());
    resumeToken = payload.getString("resume_token");
    JsonArray features = payload.getJsonObject("capabilities", new JsonObject()).getJsonArray("features",
        new JsonArray());
    acknowledging = features.contains(Feature.ACK);
    Integer heartbeat = payload.getInteger("heartbeat_interval_sec");
    heartbeatNanos = features.contains(Feature.HEARTBEAT) && heartbeat != null && heartbeat > 0
        ? TimeUnit.SECONDS.toNanos(heartbeat) : 0;
  }

  /** Reconnects and resumes the session from the last event handed out; exits 4 when that cannot be done. */
  private void resume(String why, Deadline deadline) {
    notices.println("connection lost (" + why + "); resuming session " + sessionId + " after event " + lastSeq);
    if (resumeToken == null) {
      throw new CliFailure(ExitCodes.CONNECTION, "the connection was lost and the runtime gave no resume token");
    }
    String lastProblem = why;
    long retryMs = FIRST_RETRY_MS;
    for (int attempt = 1; attempt <= RESUME_ATTEMPTS; attempt++) {
      if (attempt > 1) {
        pause(Math.min(retryMs, deadline.remainingMillis()));
        retryMs *= 2;
      }
      WebSocket socket;
      try {
        socket = connect(deadline, "cannot reconnect to " + uri);
      } catch (CliFailure e) {
        if (e.exitCode() != ExitCodes.CONNECTION) {
          throw e;
        }
        lastProblem = e.getMessage();
        continue;
      }
      attach(socket);
      JsonObject resumed = handshake(ClientFrames.envelope("session.resume", new JsonObject()
          .put("session_id", sessionId).put("resume_token", resumeToken).put("last_event_seq", lastSeq)),
          deadline, "the resumed session.welcome"); // a refusal ends the command here
      if (resumed != null) {
        welcomed(resumed);
        notices.println("resumed session " + sessionId + " after event " + lastSeq);
        return;
      }
      lastProblem = "closed again before session.welcome";
    }
    throw new CliFailure(ExitCodes.CONNECTION, "the connection was lost and session " + sessionId
        + " could not be resumed after " + RESUME_ATTEMPTS + " attempts: " + lastProblem);
  }

  /** Gives up on the current connection: what it still reports is stale, and the session is resumed. */
  private void drop(String why) {
    WebSocket current = ws;
    connection++;
    inbox.add(new Dropped(connection, why));
    current.close();
  }

  private Deadline watchdog() {
    return heartbeatNanos == 0 ? Deadline.NEVER : Deadline.after(Duration.ofNanos(2 * heartbeatNanos));
  }

  private Inbound poll(Deadline deadline) {
    try {
      return deadline.never() ? inbox.take() : inbox.poll(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Interrupt();
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis); // backoff between reconnection attempts
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }
}
