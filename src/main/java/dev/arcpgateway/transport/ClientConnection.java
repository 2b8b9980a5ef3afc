package dev.arcpgateway.transport;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.LocalSessions;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.Utf8;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * One client connection, whatever carries it. Until a session takes the connection, frames go to
 * {@link Addresses#SESSION_CONNECT}; afterwards to the session's own address. Frames to write arrive at
 * {@link Addresses#connection(String)}; when the socket's write queue fills, the session is told to hold back,
 * and told again when it drains. Oversize frames are not forwarded, only reported, so the session can answer
 * them and carry on. A connection that no session has taken by its hello deadline (it sent nothing, or only
 * ignorable frames; a hello still being answered gets its answer first) is reported as overdue the same way, and
 * the session side refuses it.
 */
final class ClientConnection {

  /** Frames that may wait while the first frame is being answered; a client that sends more is not ARCP. */
  private static final int MAX_EARLY_FRAMES = 256;

  private final Vertx vertx;
  private final FrameSocket socket;
  private final int maxFrameBytes;
  private final long helloTimeoutMs;
  private final String id = Ids.connection();
  private final ArrayDeque<String> early = new ArrayDeque<>();
  private MessageConsumer<JsonObject> consumer;
  private String sessionId;
  private String sessionAddress;
  private boolean connecting;
  private boolean refused;
  private boolean pauseReported;
  private boolean closed;
  private long helloTimer = -1;
  private final String connectAddress;
  private boolean helloOverdue;

  /**
   * @param helloTimeoutMs how long a session may take to be opened on this connection; 0: no limit
   * @param lane           the lane whose session verticle opens the connection's session
   */
  ClientConnection(Vertx vertx, FrameSocket socket, int maxFrameBytes, long helloTimeoutMs, int lane) {
    this.connectAddress = Addresses.sessionConnect(lane);
    this.vertx = vertx;
    this.socket = socket;
    this.maxFrameBytes = maxFrameBytes;
    this.helloTimeoutMs = helloTimeoutMs;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.connection(id), this::onOrder);
    if (helloTimeoutMs > 0) {
      helloTimer = vertx.setTimer(helloTimeoutMs, t -> {
        helloTimer = -1;
        helloOverdue = true;
        refuseIfOverdue();
      });
    }
    socket.onDrain(() -> {
      if (pauseReported) {
        pauseReported = false;
        toSession("drained");
      }
    });
    return consumer.completion();
  }

  /** A frame too large to even read whole (the stdio reader reports these instead of buffering them). */
  void onOversize(long bytes) {
    if (refused || closed) {
      return;
    }
    if (sessionId != null) {
      vertx.eventBus().send(Addresses.session(sessionId), new JsonObject().put("op", "oversize")
          .put("connection_id", id).put("bytes", bytes), LocalSessions.options(vertx, sessionId));
    } else if (!connecting) {
      connecting = true;
      connectWith(new JsonObject().put("connection_id", id).put("remote_address", socket.remoteAddress())
          .put("oversize", bytes));
    }
  }

  /** A whole text frame from the client. */
  void onText(String text) {
    if (refused || closed) {
      return;
    }
    if (sessionId != null) {
      long oversize = oversize(text);
      JsonObject message = oversize > 0
          ? new JsonObject().put("op", "oversize").put("connection_id", id).put("bytes", oversize)
          : new JsonObject().put("op", "frame").put("connection_id", id).put("text", text);
      vertx.eventBus().send(sessionAddress, message, LocalSessions.options(vertx, sessionId));
    } else if (connecting) {
      if (early.size() == MAX_EARLY_FRAMES) {
        socket.close(1008, "too many frames before session.welcome");
        return;
      }
      early.addLast(text);
    } else {
      connect(text);
    }
  }

  private void connect(String text) {
    connecting = true;
    long oversize = oversize(text);
    JsonObject request = new JsonObject().put("connection_id", id).put("remote_address", socket.remoteAddress());
    if (oversize > 0) {
      request.put("oversize", oversize);
    } else {
      request.put("text", text);
    }
    connectWith(request);
  }

  private void connectWith(JsonObject request) {
    vertx.eventBus().<JsonObject>request(connectAddress, request, Bus.LOCAL).onComplete(answer -> {
      connecting = false;
      if (answer.failed()) {
        socket.close(1011, "the gateway could not open a session");
        letGoIfClosed();
        return;
      }
      JsonObject reply = answer.result().body();
      if (reply.getBoolean("refused", false)) {
        refused = true; // the refusal and the close order came before this answer
        early.clear();
        letGoIfClosed();
        return;
      }
      sessionId = reply.getString("session_id");
      sessionAddress = Addresses.session(sessionId);
      if (sessionId != null) {
        cancelHelloTimer();
      }
      if (closed) {
        letGoIfClosed();
        return;
      }
      while (!early.isEmpty() && !connecting && !refused) {
        onText(early.pollFirst());
      }
      refuseIfOverdue();
    });
  }

  /** Past the hello deadline with no session and nothing being answered: the session side refuses it. */
  private void refuseIfOverdue() {
    if (helloOverdue && sessionId == null && !connecting && !refused && !closed) {
      connecting = true;
      connectWith(new JsonObject().put("connection_id", id).put("hello_overdue_ms", helloTimeoutMs));
    }
  }

  private void cancelHelloTimer() {
    if (helloTimer >= 0) {
      vertx.cancelTimer(helloTimer);
      helloTimer = -1;
    }
  }

  /** The decoded size when it exceeds the limit, else 0 (cheap unless the text is near the limit). */
  private long oversize(String text) {
    if ((long) text.length() * 3 <= maxFrameBytes) {
      return 0;
    }
    long bytes = text.length() > maxFrameBytes ? text.length() : Utf8.length(text);
    return bytes > maxFrameBytes ? bytes : 0;
  }

  private void onOrder(Message<JsonObject> message) {
    JsonObject body = message.body();
    switch (body.getString("op", "")) {
      case "frames" -> {
        if (closed) {
          return;
        }
        JsonArray frames = body.getJsonArray("frames");
        for (int i = 0; i < frames.size(); i++) {
          socket.write(frames.getString(i));
        }
        if (!pauseReported && socket.writeQueueFull() && sessionId != null) {
          pauseReported = true;
          toSession("paused");
        }
      }
      case "close" -> {
        if (!closed) {
          socket.close(body.getInteger("code", 1000), body.getString("reason", ""));
        }
      }
      default -> {
        // nothing else is sent to connections
      }
    }
  }

  /** The transport is gone (either side closed it). */
  void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    cancelHelloTimer();
    if (!connecting) {
      letGoIfClosed();
    } // else the answer to the connect request lets go
  }

  /**
   * Once closed, stops listening for orders — after telling the session, if there is one, and hearing back: until
   * the session has seen the detach it may still be writing here, and a consumer that leaves first makes Vert.x
   * warn about every message it then discards.
   */
  private void letGoIfClosed() {
    if (!closed) {
      return;
    }
    if (sessionId == null) {
      consumer.unregister();
      return;
    }
    vertx.eventBus().request(Addresses.session(sessionId), new JsonObject().put("op", "detached")
        .put("connection_id", id), LocalSessions.options(vertx, sessionId))
        .onComplete(answered -> consumer.unregister());
  }

  private void toSession(String op) {
    vertx.eventBus().send(Addresses.session(sessionId), new JsonObject().put("op", op).put("connection_id", id),
        LocalSessions.options(vertx, sessionId));
  }
}
