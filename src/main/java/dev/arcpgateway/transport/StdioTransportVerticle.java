package dev.arcpgateway.transport;

import dev.arcpgateway.config.GatewayOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ARCP over stdio (§4): newline-delimited JSON envelopes on standard input and output, one session, for a parent
 * process that runs the gateway as a child. Logs go to standard error. Blocking I/O happens on two dedicated
 * threads, never on the event loop: a reader that hands each line to the connection, and a writer fed through a
 * queue whose size is the write back-pressure. When input ends, or the session closes the transport (after its
 * last frame is written), {@code onEnd} runs (the CLI exits). Once the verticle is stopped, the reader hands
 * nothing more to the event loop (which may be gone with its Vert.x) and ends at its next line.
 */
public final class StdioTransportVerticle extends VerticleBase {

  private static final long HIGH_WATER_BYTES = 1 << 20;
  private static final long LOW_WATER_BYTES = 256 << 10;

  private final GatewayOptions options;
  private final InputStream in;
  private final OutputStream out;
  private final Runnable onEnd;
  private volatile boolean stopped;

  public StdioTransportVerticle(GatewayOptions options, InputStream in, OutputStream out, Runnable onEnd) {
    this.options = options;
    this.in = in;
    this.out = out;
    this.onEnd = onEnd;
  }

  @Override
  public Future<?> start() {
    LineWriter writer = new LineWriter(out, context, onEnd);
    // no hello deadline: the parent process owns both pipes; its one session lives in the first lane
    ClientConnection connection = new ClientConnection(vertx, writer, options.maxFrameBytes(), 0, 0);
    return connection.start().onSuccess(v -> {
      Thread reader = new Thread(() -> read(connection, context), "arcp-stdin");
      reader.setDaemon(true);
      reader.start();
      writer.start();
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.succeededFuture();
  }

  /** Reads lines of at most 4× the frame limit; longer ones are reported as oversize, never buffered whole. */
  private void read(ClientConnection connection, Context context) {
    long hardLimit = 4L * options.maxFrameBytes();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    long length = 0;
    try {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          if (!deliver(connection, context, line, length, hardLimit)) {
            return;
          }
          line.reset();
          length = 0;
        } else {
          length++;
          if (length <= hardLimit) {
            line.write(b);
          }
        }
      }
      if (length > 0) {
        deliver(connection, context, line, length, hardLimit);
      }
    } catch (IOException e) {
      System.err.println("stdin failed: " + e.getMessage());
    }
    handOff(context, v -> {
      connection.onClosed();
      onEnd.run();
    });
  }

  /** False when the line could not be handed on because the gateway has stopped: the reader ends. */
  private boolean deliver(ClientConnection connection, Context context, ByteArrayOutputStream line, long length,
                          long hardLimit) {
    String text = length > hardLimit ? null : line.toString(StandardCharsets.UTF_8).strip();
    if (text != null && text.isEmpty()) {
      return true; // blank lines are allowed between frames
    }
    long size = length;
    return handOff(context, v -> {
      if (text == null) {
        connection.onOversize(size);
      } else {
        connection.onText(text);
      }
    });
  }

  /** Runs {@code task} on the verticle's event loop unless the gateway has stopped (then nothing reads it). */
  private boolean handOff(Context context, Handler<Void> task) {
    if (stopped) {
      return false;
    }
    try {
      context.runOnContext(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // Vert.x closed between the check and the hand-off
    }
  }

  /** Standard output as a {@link FrameSocket}: frames are queued and written by a dedicated thread. */
  private static final class LineWriter implements FrameSocket {
    /** Queued after the last frame when the session closes the transport. */
    private static final String END = new String("end of output");
    private final OutputStream out;
    private final Context context;
    private final Runnable onEnd;
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile Runnable drainHandler;
    private volatile boolean full;
    private volatile boolean closed;

    LineWriter(OutputStream out, Context context, Runnable onEnd) {
      this.out = out;
      this.context = context;
      this.onEnd = onEnd;
    }

    void start() {
      Thread thread = new Thread(this::run, "arcp-stdout");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        while (true) {
          String frame = queue.take();
          if (frame == END) {
            out.flush();
            closed = true;
            context.runOnContext(v -> onEnd.run());
            return;
          }
          out.write(frame.getBytes(StandardCharsets.UTF_8));
          out.write('\n');
          long left = queuedBytes.addAndGet(-frame.length());
          if (queue.isEmpty()) {
            out.flush();
          }
          if (full && left < LOW_WATER_BYTES) {
            full = false;
            Runnable handler = drainHandler;
            if (handler != null) {
              context.runOnContext(v -> handler.run());
            }
          }
        }
      } catch (InterruptedException | IOException | RejectedExecutionException e) {
        closed = true; // output failed, or the gateway stopped (its event loop rejects the hand-off)
      }
    }

    @Override
    public void write(String frame) {
      if (closed) {
        return;
      }
      if (queuedBytes.addAndGet(frame.length()) > HIGH_WATER_BYTES) {
        full = true;
      }
      queue.add(frame);
    }

    @Override
    public boolean writeQueueFull() {
      return full;
    }

    @Override
    public void onDrain(Runnable handler) {
      this.drainHandler = handler;
    }

    /** Stdio carries one session for the life of the process: closing it ends the process once flushed. */
    @Override
    public String remoteAddress() {
      return "stdio";
    }

    @Override
    public void close(int code, String reason) {
      System.err.println("stdio transport closing (" + code + " " + reason + ")");
      queue.add(END);
    }
  }
}
