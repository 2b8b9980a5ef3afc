package dev.arcpgateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A raw ARCP WebSocket client for conformance tests: sends frames exactly as given and hands back every frame
 * the gateway sends, in order. Blocking methods are for the test thread only.
 */
public final class WireClient implements AutoCloseable {

  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final WebSocketClient client;
  private final WebSocket ws;
  private final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Short closeStatus;
  private volatile String closeReason;
  private final AtomicInteger binaryFrames = new AtomicInteger();
  private String sessionId;
  private JsonObject welcome;

  private WireClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> inbox.add(new JsonObject(text)));
    ws.binaryMessageHandler(bytes -> binaryFrames.incrementAndGet()); // ARCP runtimes must send text (wire-notes §12)
    ws.closeHandler(v -> {
      closeStatus = ws.closeStatusCode();
      closeReason = ws.closeReason();
      closed.countDown();
    });
  }

  public static WireClient connect(Vertx vertx, int port) {
    return connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/arcp"));
  }

  public static WireClient connect(Vertx vertx, WebSocketConnectOptions options) {
    WebSocketClient client = vertx.createWebSocketClient(
        new WebSocketClientOptions().setMaxFrameSize(64 << 20).setMaxMessageSize(64 << 20));
    try {
      return new WireClient(client, client.connect(options).await(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      client.close();
      throw new IllegalStateException("could not connect", e);
    }
  }

  /** Says hello with every feature and returns the welcome. */
  public JsonObject hello(String token) {
    send(Wire.hello(token));
    return welcomed(expect("session.welcome"));
  }

  /** Records the session of a welcome this client received. */
  public JsonObject welcomed(JsonObject welcome) {
    this.welcome = welcome;
    this.sessionId = welcome.getString("session_id");
    return welcome;
  }

  public String sessionId() {
    return sessionId;
  }

  public JsonObject welcome() {
    return welcome;
  }

  public WireClient send(JsonObject frame) {
    return sendText(frame.encode());
  }

  public WireClient sendText(String text) {
    ws.writeTextMessage(text).await();
    return this;
  }

  /** Sends a frame unless the connection is gone; false when the write failed (the server closed first). */
  public boolean trySend(JsonObject frame) {
    try {
      ws.writeTextMessage(frame.encode()).await(DEFAULT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Sends {@code text} as one binary WebSocket message (UTF-8). */
  public WireClient sendBinary(String text) {
    ws.writeBinaryMessage(Buffer.buffer(text, "UTF-8")).await();
    return this;
  }

  /** Sends {@code text} as one text message split into {@code parts} WebSocket frames (continuation frames). */
  public WireClient sendFragmented(String text, int parts) {
    int size = (text.length() + parts - 1) / parts;
    for (int start = 0, i = 0; start < text.length(); start += size, i++) {
      String part = text.substring(start, Math.min(text.length(), start + size));
      boolean last = start + size >= text.length();
      WebSocketFrame frame = i == 0 ? WebSocketFrame.textFrame(part, last)
          : WebSocketFrame.continuationFrame(Buffer.buffer(part, "UTF-8"), last);
      ws.writeFrame(frame).await();
    }
    return this;
  }

  /** How many binary messages the gateway sent (it should send none). */
  public int binaryFramesReceived() {
    return binaryFrames.get();
  }

  /** Sends {@code job.submit} in this session and returns the request id. */
  public String submit(String agent, Object input) {
    JsonObject frame = Wire.submit(sessionId, agent, input);
    send(frame);
    return frame.getString("id");
  }

  /** Sends {@code job.submit} with exactly {@code payload} in this session; returns the frame as sent. */
  public JsonObject submit(JsonObject payload) {
    JsonObject frame = Wire.submit(sessionId, payload);
    send(frame);
    return frame;
  }

  /** The next frame, which must be the {@code job.accepted} answering submit {@code requestId}. */
  public JsonObject expectAccepted(String requestId) {
    JsonObject frame = expect("job.accepted");
    if (!requestId.equals(frame.getJsonObject("payload").getString("request_id"))) {
      throw new AssertionError("expected job.accepted for " + requestId + " but got " + frame.encode());
    }
    return frame;
  }

  /** Every frame that arrives until nothing came for {@code quiet}. */
  public List<JsonObject> collectUntilQuiet(Duration quiet) {
    List<JsonObject> frames = new ArrayList<>();
    try {
      JsonObject frame;
      while ((frame = inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
        frames.add(frame);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return frames;
  }

  /** The next frame, failing the test after the default wait. */
  public JsonObject next() {
    return next(DEFAULT_WAIT);
  }

  public JsonObject next(Duration wait) {
    try {
      JsonObject frame = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + wait);
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next frame, which must be of {@code type}. */
  public JsonObject expect(String type) {
    JsonObject frame = next();
    if (!type.equals(frame.getString("type"))) {
      throw new AssertionError("expected " + type + " but got " + frame.encode());
    }
    return frame;
  }

  /** Skips frames until one of {@code type} arrives; returns it. */
  public JsonObject nextOfType(String type) {
    return nextMatching(f -> type.equals(f.getString("type")), type);
  }

  public JsonObject nextMatching(Predicate<JsonObject> match, String what) {
    return nextMatching(match, what, DEFAULT_WAIT);
  }

  /** The next frame that matches, skipping others, within {@code wait}. */
  public JsonObject nextMatching(Predicate<JsonObject> match, String what, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (match.test(frame)) {
        return frame;
      }
    }
    throw new AssertionError("no " + what + " within " + wait);
  }

  /** Every frame up to and including the first terminal frame ({@code job.result}/{@code job.error}) of a job. */
  public List<JsonObject> untilTerminal(String jobId) {
    List<JsonObject> frames = new ArrayList<>();
    while (true) {
      JsonObject frame = next();
      frames.add(frame);
      String type = frame.getString("type");
      if (jobId.equals(frame.getString("job_id")) && ("job.result".equals(type) || "job.error".equals(type))
          && frame.containsKey("event_seq")) {
        return frames;
      }
    }
  }

  /** Nothing arrives for {@code wait}. */
  public void expectSilence(Duration wait) {
    try {
      JsonObject frame = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (frame != null) {
        throw new AssertionError("expected silence, got " + frame.encode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the gateway to close the connection and returns the close status code. */
  public short awaitClose() {
    try {
      if (!closed.await(DEFAULT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("connection still open after " + DEFAULT_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return closeStatus == null ? -1 : closeStatus;
  }

  /** Every frame received and not yet read (does not wait). */
  public List<JsonObject> drain() {
    List<JsonObject> frames = new ArrayList<>();
    inbox.drainTo(frames);
    return frames;
  }

  /** Waits for the gateway to close the connection and returns every frame not yet read, in order. */
  public List<JsonObject> remainingUntilClose() {
    awaitClose();
    return drain();
  }

  public boolean isClosed() {
    return closed.getCount() == 0;
  }

  public String closeReason() {
    return closeReason;
  }

  /** Drops the connection without a session.close, like a network failure. */
  public void drop() {
    ws.close();
    try {
      closed.await(DEFAULT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops reading from the socket, like a client that does not keep up: frames pile up in the network buffers
   * and the gateway sees its writes back up. {@link #resumeReading()} reads on.
   */
  public void pauseReading() {
    ws.pause();
  }

  public void resumeReading() {
    ws.resume();
  }

  @Override
  public void close() {
    if (!isClosed()) {
      ws.close();
    }
    client.close();
  }
}
