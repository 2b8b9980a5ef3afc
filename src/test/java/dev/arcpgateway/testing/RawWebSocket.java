package dev.arcpgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A WebSocket spoken by hand over a plain {@link Socket} (blocking), for tests of what RFC 6455 says a server must
 * refuse: writes the upgrade request with exactly the given header lines and client frames with exactly the given
 * bits (masked, as a client must), and reads the server's frames. Use from the test thread only.
 */
public final class RawWebSocket implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(10);
  public static final int OP_TEXT = 0x1;
  public static final int OP_CLOSE = 0x8;

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** A TCP connection to the gateway on which nothing has been written yet. */
  public static RawWebSocket open(int port) {
    try {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      return new RawWebSocket(socket);
    } catch (IOException e) {
      throw new AssertionError("could not connect to " + port, e);
    }
  }

  /** Writes an upgrade of {@code path} with these header lines (Host included, or not, by the caller). */
  public RawWebSocket requestUpgrade(String path, List<String> headerLines) {
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    headerLines.forEach(line -> request.append(line).append("\r\n"));
    request.append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
        .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    return writeRaw(request.toString().getBytes(StandardCharsets.US_ASCII));
  }

  /** The HTTP status of the answer to the upgrade request (its headers are consumed). */
  public int upgradeStatus() {
    try {
      socket.setSoTimeout((int) WAIT.toMillis());
      String status = readLine();
      while (!readLine().isEmpty()) {
        // headers
      }
      return Integer.parseInt(status.split(" ")[1]);
    } catch (IOException e) {
      throw new AssertionError("no answer to the upgrade", e);
    }
  }

  /** Upgrades {@code /arcp} as a well-behaved client would; fails unless it is switched (101). */
  public static RawWebSocket upgraded(int port) {
    RawWebSocket ws = open(port);
    ws.requestUpgrade("/arcp", List.of("Host: 127.0.0.1:" + port));
    int status = ws.upgradeStatus();
    if (status != 101) {
      throw new AssertionError("upgrade answered " + status);
    }
    return ws;
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b < 0 && line.size() == 0) {
      throw new EOFException("closed while reading the HTTP answer");
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  /** One final frame with {@code rsv} (0-7) in the RSV1-3 bits, masked. */
  public RawWebSocket writeFrame(int rsv, int opcode, byte[] payload) {
    return writeRaw(frame(rsv, opcode, payload));
  }

  /** The bytes of one final client frame (masked), to write several at once with {@link #writeRaw}. */
  public static byte[] frame(int rsv, int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | (rsv & 0x7) << 4 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }

  /** Exactly these bytes. */
  public RawWebSocket writeRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new AssertionError("write failed", e);
    }
    return this;
  }

  /**
   * The payload of the next text frame from the server, skipping control frames; fails on a close frame or after
   * {@link #WAIT}.
   */
  public String nextText() {
    while (true) {
      byte[][] frame = readFrame();
      int opcode = frame[0][0] & 0x0f;
      if (opcode == OP_TEXT) {
        return new String(frame[1], StandardCharsets.UTF_8);
      }
      if (opcode == OP_CLOSE) {
        throw new AssertionError("the server closed (" + closeCode(frame[1]) + ") instead of sending text");
      }
    }
  }

  private static int closeCode(byte[] payload) {
    return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : 1005;
  }

  /** {first byte}, payload. */
  private byte[][] readFrame() {
    try {
      socket.setSoTimeout((int) WAIT.toMillis());
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      return new byte[][] {{(byte) first}, payload};
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame from the server within " + WAIT, e);
    } catch (EOFException | SocketException e) {
      throw new AssertionError("the connection ended", e);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Reads frames until the server's close frame and returns its status code; fails when the connection stays
   * open past {@link #WAIT} or ends without a close frame.
   */
  public int awaitCloseCode() {
    while (true) {
      byte[][] frame = readFrame();
      if ((frame[0][0] & 0x0f) == OP_CLOSE) {
        return closeCode(frame[1]);
      }
    }
  }

  /** True once the server has ended the TCP connection (waits up to {@code wait}). */
  public boolean closedWithin(Duration wait) {
    try {
      socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
      while (in.read() >= 0) {
        // whatever the server still sends before its FIN
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
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
