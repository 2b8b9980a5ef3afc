package dev.arcpgateway.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Every ARCP v1.1 message type, with the aliases older SDK generations still send.
 *
 * <p>{@code session.bye} is the TypeScript SDK's only close verb (and the v1.0 spelling): it closes a session like
 * {@link #SESSION_CLOSE} and is answered in kind, because that client does not know {@code session.closed}.
 */
public enum MessageType {
  SESSION_HELLO("session.hello", Direction.CLIENT),
  SESSION_RESUME("session.resume", Direction.CLIENT),
  SESSION_WELCOME("session.welcome", Direction.RUNTIME),
  SESSION_ERROR("session.error", Direction.RUNTIME),
  SESSION_PING("session.ping", Direction.BOTH),
  SESSION_PONG("session.pong", Direction.BOTH),
  SESSION_ACK("session.ack", Direction.CLIENT),
  SESSION_LIST_JOBS("session.list_jobs", Direction.CLIENT),
  SESSION_JOBS("session.jobs", Direction.RUNTIME),
  SESSION_CLOSE("session.close", Direction.CLIENT),
  SESSION_CLOSED("session.closed", Direction.RUNTIME),
  SESSION_BYE("session.bye", Direction.BOTH),
  JOB_SUBMIT("job.submit", Direction.CLIENT),
  JOB_ACCEPTED("job.accepted", Direction.RUNTIME),
  JOB_EVENT("job.event", Direction.RUNTIME),
  JOB_RESULT("job.result", Direction.RUNTIME),
  JOB_ERROR("job.error", Direction.RUNTIME),
  JOB_CANCEL("job.cancel", Direction.CLIENT),
  JOB_CANCELLED("job.cancelled", Direction.RUNTIME),
  JOB_SUBSCRIBE("job.subscribe", Direction.CLIENT),
  JOB_SUBSCRIBED("job.subscribed", Direction.RUNTIME),
  JOB_UNSUBSCRIBE("job.unsubscribe", Direction.CLIENT);

  /** Who may send a type. */
  public enum Direction { CLIENT, RUNTIME, BOTH }

  private static final Map<String, MessageType> BY_WIRE = new HashMap<>();

  static {
    for (MessageType type : values()) {
      BY_WIRE.put(type.wire, type);
    }
  }

  private final String wire;
  private final Direction direction;

  MessageType(String wire, Direction direction) {
    this.wire = wire;
    this.direction = direction;
  }

  public String wire() {
    return wire;
  }

  /** True when a client may send this type to the runtime. */
  public boolean fromClient() {
    return direction != Direction.RUNTIME;
  }

  /** The type for a wire name or alias, or null. */
  public static MessageType fromWire(String wire) {
    return wire == null ? null : BY_WIRE.get(wire);
  }
}
