package dev.arcpgateway.testing;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A raw agent-bridge connection for tests (plain {@link Socket}, blocking): writes frames exactly as given —
 * well-formed or not — and reads the gateway's frames. Use from the test thread only.
 */
public final class BridgeSocket implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(10);

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  public final String inbox;

  private BridgeSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
    byte[] random = new byte[12];
    new SecureRandom().nextBytes(random);
    this.inbox = "arcp.bridge.inbox." + HexFormat.of().formatHex(random);
  }

  public static BridgeSocket connect(int port) {
    try {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      return new BridgeSocket(socket);
    } catch (IOException e) {
      throw new AssertionError("could not connect to the agent bridge on " + port, e);
    }
  }

  /** Connects, registers a random inbox with {@code token} on the first frame and announces {@code agent}. */
  public static BridgeSocket announced(int port, String token, String name, String version, int maxConcurrent) {
    BridgeSocket socket = connect(port);
    socket.register(token);
    JsonObject answer = socket.request("arcp.bridge.announce", new JsonObject().put("name", name)
        .put("version", version).put("default", true).put("max_concurrent", maxConcurrent)
        .put("inbox", socket.inbox), "announce-1");
    if (!"message".equals(answer.getString("type")) || !answer.getJsonObject("body").getBoolean("ok", false)) {
      throw new AssertionError("announce refused: " + answer.encode());
    }
    return socket;
  }

  /** The first frame: registers this connection's inbox, carrying the agent token. */
  public BridgeSocket register(String token) {
    return send(new JsonObject().put("type", "register").put("address", inbox)
        .put("headers", new JsonObject().put("authorization", "Bearer " + token)));
  }

  public BridgeSocket send(JsonObject frame) {
    return writeFrame(frame.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Sends {@code body} to {@code address} (fire and forget). */
  public BridgeSocket sendTo(String address, JsonObject body) {
    return send(new JsonObject().put("type", "send").put("address", address).put("body", body));
  }

  /** Sends a request and returns the next frame addressed to {@code replyAddress} (a message or an err). */
  public JsonObject request(String address, JsonObject body, String replyAddress) {
    send(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
        .put("body", body));
    while (true) {
      JsonObject frame = next();
      if (replyAddress.equals(frame.getString("address"))) {
        return frame;
      }
    }
  }

  /** A length prefix and {@code body}, whatever it holds. */
  public BridgeSocket writeFrame(byte[] body) {
    byte[] framed = new byte[4 + body.length];
    framed[0] = (byte) (body.length >>> 24);
    framed[1] = (byte) (body.length >>> 16);
    framed[2] = (byte) (body.length >>> 8);
    framed[3] = (byte) body.length;
    System.arraycopy(body, 0, framed, 4, body.length);
    return writeRaw(framed);
  }

  /** Exactly these bytes. */
  public BridgeSocket writeRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new AssertionError("write failed", e);
    }
    return this;
  }

  /** Writes, reporting whether the gateway still accepted the bytes (false once it closed the connection). */
  public boolean tryWrite(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The next frame from the gateway; fails after {@link #WAIT}. */
  public JsonObject next() {
    return next(WAIT);
  }

  public JsonObject next(Duration wait) {
    JsonObject frame = poll(wait);
    if (frame == null) {
      throw new AssertionError("no frame from the bridge within " + wait);
    }
    return frame;
  }

  /** The next frame, or null when nothing came within {@code wait}; fails when the connection closed. */
  public JsonObject poll(Duration wait) {
    try {
      socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
      int length = in.readInt();
      byte[] body = new byte[length];
      in.readFully(body);
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    } catch (SocketTimeoutException e) {
      return null;
    } catch (IOException e) {
      throw new AssertionError("the bridge closed the connection: " + e, e);
    }
  }

  /** The next message in this connection's inbox (skipping other frames); returns its body. */
  public JsonObject nextInbox() {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject frame = poll(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
      if (frame != null && "message".equals(frame.getString("type")) && inbox.equals(frame.getString("address"))) {
        return frame.getJsonObject("body");
      }
    }
    throw new AssertionError("no inbox message within " + WAIT);
  }

  /**
   * Reads until the gateway closes the connection; returns the frames it sent first. Fails when the connection
   * is still open after {@code wait}.
   */
  public java.util.List<JsonObject> framesUntilClosed(Duration wait) {
    java.util.List<JsonObject> frames = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the connection is still open after " + wait + "; frames: " + frames);
        }
        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        frames.add(new JsonObject(new String(body, StandardCharsets.UTF_8)));
      }
    } catch (EOFException | SocketException closed) {
      return frames; // closed (FIN or RST)
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection is still open after " + wait + "; frames: " + frames);
    } catch (IOException e) {
      return frames;
    }
  }

  /** True when a ping is answered by a pong within the wait (skipping other frames). */
  public boolean answersPing() {
    try {
      send(new JsonObject().put("type", "ping"));
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        JsonObject frame = poll(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
        if (frame != null && "pong".equals(frame.getString("type"))) {
          return true;
        }
      }
      return false;
    } catch (AssertionError closed) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
