package dev.arcpgateway.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import dev.arcpgateway.protocol.JobFrame;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus conventions shared by every verticle.
 *
 * <p>Internal messages are {@link JsonObject}s and typed records ({@link JobFrame}) sent with {@link #OPTIONS},
 * whose codec hands the same object to a local consumer instead of deep-copying it (the default JSON codec copies
 * on every local delivery, which dominated the cost of streaming events). The rule that makes this safe: <b>a
 * message body is never mutated after it is sent</b>. Across a cluster the codec writes a tag and JSON.
 */
public final class Bus {

  /** Delivery options for every internal send; never mutate this instance. */
  public static final DeliveryOptions OPTIONS = new DeliveryOptions().setCodecName(SharedCodec.NAME);

  /**
   * For sends to this node's own singletons (lease, job submit, agent registry, drain): in a cluster they stay on
   * this node without asking the cluster who listens; without one they are {@link #OPTIONS}. Never mutate it.
   */
  public static final DeliveryOptions LOCAL = new DeliveryOptions(OPTIONS).setLocalOnly(true);

  private Bus() {
  }

  /** Registers the codec once per Vert.x instance. */
  public static synchronized void install(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new SharedCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // redeploying into the same Vert.x instance; one gateway per Vert.x instance, as addresses are global
    }
  }

  /** Delivery options with a send timeout. */
  public static DeliveryOptions withTimeout(long millis) {
    return new DeliveryOptions(OPTIONS).setSendTimeout(millis);
  }

  /** {@link #LOCAL} with a send timeout. */
  public static DeliveryOptions localWithTimeout(long millis) {
    return new DeliveryOptions(LOCAL).setSendTimeout(millis);
  }

  /**
   * Passes message bodies by reference locally and as tagged JSON text over the wire. The bodies are JSON objects
   * and the gateway's typed messages ({@link JobFrame}).
   */
  static final class SharedCodec implements MessageCodec<Object, Object> {
    static final String NAME = "arcp";
    private static final byte JSON = 'J';
    private static final byte JOB_FRAME = 'F';

    @Override
    public void encodeToWire(Buffer buffer, Object body) {
      JsonObject json = body instanceof JobFrame frame ? frame.toJson() : (JsonObject) body;
      Buffer encoded = json.toBuffer();
      buffer.appendByte(body instanceof JobFrame ? JOB_FRAME : JSON).appendInt(encoded.length())
          .appendBuffer(encoded);
    }

    @Override
    public Object decodeFromWire(int pos, Buffer buffer) {
      byte tag = buffer.getByte(pos);
      int length = buffer.getInt(pos + 1);
      JsonObject json = new JsonObject(buffer.getBuffer(pos + 5, pos + 5 + length));
      return tag == JOB_FRAME ? JobFrame.fromJson(json) : json;
    }

    @Override
    public Object transform(Object body) {
      return body;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
