package dev.arcpgateway.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Event-bus conventions shared by every verticle.
 *
 * <p>Internal messages are {@link JsonObject}s sent with {@link #OPTIONS}, whose codec hands the same object to
 * a local consumer instead of deep-copying it (the default JSON codec copies on every local delivery, which
 * dominated the cost of streaming events). The rule that makes this safe: <b>a message body is never mutated
 * after it is sent</b>. Across a cluster the codec writes plain JSON.
 */
public final class Bus {

  /** Delivery options for every internal send; never mutate this instance. */
  public static final DeliveryOptions OPTIONS = new DeliveryOptions().setCodecName(SharedJsonCodec.NAME);

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
      vertx.eventBus().registerCodec(new SharedJsonCodec());
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

  /** Passes JSON objects by reference locally and as JSON text over the wire. */
  static final class SharedJsonCodec implements MessageCodec<JsonObject, JsonObject> {
    static final String NAME = "arcp-json";

    @Override
    public void encodeToWire(Buffer buffer, JsonObject body) {
      Buffer encoded = body.toBuffer();
      buffer.appendInt(encoded.length()).appendBuffer(encoded);
    }

    @Override
    public JsonObject decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
    }

    @Override
    public JsonObject transform(JsonObject body) {
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
