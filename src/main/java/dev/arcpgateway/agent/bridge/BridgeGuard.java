package dev.arcpgateway.agent.bridge;

import dev.arcpgateway.transport.ListenException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * The public face of the agent bridge: a TCP listener speaking the event-bus bridge framing (4-byte big-endian
 * length + a JSON object) that relays each agent connection to the Vert.x TCP event-bus bridge listening on a
 * private loopback port. It exists to file off the bridge's sharp edges before a frame reaches it: a frame over
 * the size cap, one that is not a JSON object, one of an unknown type (which wedges the 5.0.7 bridge) or a flood
 * gets an {@code err} frame and closes that agent's connection only, as does missing a {@link RelayDeadlines} deadline.
 */
final class BridgeGuard {

  private static final System.Logger LOG = System.getLogger(BridgeGuard.class.getName());
  private static final int MAX_EARLY_FRAMES = 1024;

  private final Vertx vertx;
  private final BridgeSettings settings;
  private final int upstreamPort;
  private final Map<Integer, String> relays;
  private final java.util.function.IntConsumer onRelayClosed;
  private final RelayDeadlines deadlines;
  private final NetClient upstream;
  private NetServer server;

  /**
   * @param relays        filled with the local port of each relay connection and its agent's remote address, so the
   *                      bridge can tell relays apart and say where an agent connected from
   * @param onRelayClosed told the local port of a relay connection once its agent is gone (the 5.0.7 bridge
   *                      reports no socket events of its own)
   */
  BridgeGuard(Vertx vertx, BridgeSettings settings, int upstreamPort, Map<Integer, String> relays,
              java.util.function.IntConsumer onRelayClosed, RelayDeadlines deadlines) {
    this.vertx = vertx;
    this.settings = settings;
    this.upstreamPort = upstreamPort;
    this.relays = relays;
    this.onRelayClosed = onRelayClosed;
    this.deadlines = deadlines;
    this.upstream = vertx.createNetClient();
  }

  /** @param tls the certificate agents are served TLS with, or null for plain TCP */
  Future<NetServer> listen(KeyCertOptions tls) {
    NetServerOptions serverOptions = new NetServerOptions().setHost(settings.host()).setPort(settings.port())
        .setTcpNoDelay(true);
    if (tls != null) {
      serverOptions.setSsl(true).setKeyCertOptions(tls);
    }
    server = vertx.createNetServer(serverOptions);
    return server.connectHandler(this::relay).listen()
        .recover(failed -> Future.failedFuture(new ListenException("the agent bridge", settings.host(),
            settings.port(), failed)));
  }

  int actualPort() {
    return server.actualPort();
  }

  private void relay(NetSocket agent) {
    new Relay(agent).start();
  }

  /** One agent connection and its relay to the bridge. */
  private final class Relay {
    private final NetSocket agent;
    private final RelayDeadlines.Watch watch;
    private final ArrayDeque<Buffer> early = new ArrayDeque<>();
    /** Checked frames of the current read, written to the bridge together (one write instead of one per frame). */
    private Buffer outgoing;
    private NetSocket bridge;
    private boolean closed;
    private double allowance;
    private long lastNanos = System.nanoTime();

    Relay(NetSocket agent) {
      this.agent = agent;
      this.watch = deadlines.watch(vertx, this::close);
      this.allowance = settings.burstFrames();
    }

    void start() {
      RecordParser parser = RecordParser.newFixed(4);
      parser.handler(new FrameReader(parser));
      watch.start();
      agent.handler(data -> {
        watch.read(data.length());
        parser.handle(data);
        watch.afterRead();
        flushOutgoing();
      });
      agent.closeHandler(v -> close(null));
      agent.exceptionHandler(e -> close(null));
      upstream.connect(upstreamPort, "127.0.0.1").onComplete(connected -> {
        if (connected.failed()) {
          close("the gateway's bridge is unavailable");
          return;
        }
        bridge = connected.result();
        relays.put(bridge.localAddress().port(), agent.remoteAddress().hostAddress());
        bridge.handler(buffer -> {
          agent.write(buffer);
          if (agent.writeQueueFull()) {
            bridge.pause();
            agent.drainHandler(d -> bridge.resume());
          }
        });
        int relayPort = bridge.localAddress().port();
        bridge.closeHandler(v -> {
          relays.remove(relayPort);
          close(null);
          onRelayClosed.accept(relayPort);
        });
        if (closed) {
          bridge.close();
          return;
        }
        while (!early.isEmpty()) {
          forward(early.pollFirst());
        }
        flushOutgoing();
      });
    }

    /** Reads length, then body, alternating; each complete frame is checked before it goes anywhere. */
    private final class FrameReader implements io.vertx.core.Handler<Buffer> {
      private final RecordParser parser;
      private boolean expectBody;
      private Buffer lengthPrefix;

      FrameReader(RecordParser parser) {
        this.parser = parser;
      }

      @Override
      public void handle(Buffer record) {
        if (closed) {
          return;
        }
        watch.parsed(record.length());
        if (!expectBody) {
          long length = record.getUnsignedInt(0);
          if (length > settings.maxFrameBytes()) {
            close("frame of " + length + " bytes exceeds the limit of " + settings.maxFrameBytes());
            return;
          }
          if (length == 0) {
            close("empty frame");
            return;
          }
          lengthPrefix = record;
          expectBody = true;
          parser.fixedSizeMode((int) length);
        } else {
          expectBody = false;
          parser.fixedSizeMode(4);
          String problem = check(record);
          if (problem != null) {
            close(problem);
            return;
          }
          watch.passed(record);
          Buffer frame = Buffer.buffer(4 + record.length()).appendBuffer(lengthPrefix).appendBuffer(record);
          if (bridge == null) {
            if (early.size() == MAX_EARLY_FRAMES) {
              close("too many frames before the bridge connection opened");
              return;
            }
            early.addLast(frame);
          } else {
            forward(frame);
          }
        }
      }
    }

    /** Null when the frame may pass, else why not. */
    private String check(Buffer body) {
      if (!withinRate()) {
        return "flood: more than " + settings.framesPerSec() + " frames per second";
      }
      return FrameCheck.problem(body.getBytes());
    }

    /** A token bucket: frames earn allowance at the configured rate, up to the burst. */
    private boolean withinRate() {
      long now = System.nanoTime();
      allowance = Math.min(settings.burstFrames(),
          allowance + (now - lastNanos) / 1e9 * settings.framesPerSec());
      lastNanos = now;
      if (allowance < 1) {
        return false;
      }
      allowance -= 1;
      return true;
    }

    private void forward(Buffer frame) {
      if (outgoing == null) {
        outgoing = Buffer.buffer(Math.max(4096, frame.length()));
      }
      outgoing.appendBuffer(frame);
    }

    private void flushOutgoing() {
      if (outgoing == null || bridge == null || closed) {
        return;
      }
      Buffer batch = outgoing;
      outgoing = null;
      bridge.write(batch);
      if (bridge.writeQueueFull()) {
        agent.pause();
        bridge.drainHandler(d -> agent.resume());
      }
    }

    /** Closes both sides; {@code reason}, when set, is sent to the agent first as an {@code err} frame. */
    private void close(String reason) {
      if (closed) {
        return;
      }
      closed = true;
      watch.cancel();
      if (reason != null) {
        LOG.log(System.Logger.Level.WARNING, "closing agent connection {0}: {1}", agent.remoteAddress(), reason);
        agent.write(BridgeFrames.framed(new JsonObject().put("type", "err").put("message", reason)))
            .onComplete(v -> agent.close());
      } else {
        agent.close();
      }
      if (bridge != null) {
        bridge.close();
      }
    }
  }
}
