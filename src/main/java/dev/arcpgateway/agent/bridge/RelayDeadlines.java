package dev.arcpgateway.agent.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * How long an agent connection may hold a slot without doing its part: it must present its credential (its first
 * frame other than a {@code ping}) within {@code authTimeoutMs} of connecting, and finish each frame within
 * {@code frameTimeoutMs} of the last progress (a partial frame held open is a slot held for nothing).
 */
record RelayDeadlines(long authTimeoutMs, long frameTimeoutMs) {

  /** The deadlines of one connection; all calls on the relay's event loop. */
  Watch watch(Vertx vertx, Consumer<String> onMissed) {
    return new Watch(vertx, onMissed);
  }

  final class Watch {
    private final Vertx vertx;
    private final Consumer<String> onMissed;
    private long authTimer = -1;
    private long frameTimer = -1;
    /** Bytes read from the agent and not yet part of a complete length prefix or body. */
    private long pending;
    private boolean progressed;

    private Watch(Vertx vertx, Consumer<String> onMissed) {
      this.vertx = vertx;
      this.onMissed = onMissed;
    }

    void start() {
      authTimer = vertx.setTimer(authTimeoutMs, t -> {
        authTimer = -1;
        onMissed.accept("no credential within " + authTimeoutMs + " ms of connecting");
      });
    }

    /** {@code bytes} were read from the agent (before the frame parser sees them). */
    void read(int bytes) {
      pending += bytes;
    }

    /** The parser completed a length prefix or a body of {@code bytes}. */
    void parsed(int bytes) {
      pending -= bytes;
      progressed = true;
    }

    /** A complete frame passed the guard's checks; the first that is not a ping carries the credential. */
    void passed(Buffer body) {
      if (authTimer >= 0 && !"ping".equals(body.toJsonObject().getString("type"))) {
        vertx.cancelTimer(authTimer);
        authTimer = -1;
      }
    }

    /** After each read: a frame left unfinished must progress within the frame deadline. */
    void afterRead() {
      if (pending == 0) {
        cancelFrameTimer();
      } else if (frameTimer < 0 || progressed) {
        cancelFrameTimer();
        frameTimer = vertx.setTimer(frameTimeoutMs, t -> {
          frameTimer = -1;
          onMissed.accept("a frame was not finished within " + frameTimeoutMs + " ms");
        });
      }
      progressed = false;
    }

    void cancel() {
      if (authTimer >= 0) {
        vertx.cancelTimer(authTimer);
        authTimer = -1;
      }
      cancelFrameTimer();
    }

    private void cancelFrameTimer() {
      if (frameTimer >= 0) {
        vertx.cancelTimer(frameTimer);
        frameTimer = -1;
      }
    }
  }
}
