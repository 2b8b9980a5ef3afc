package dev.arcpgateway.transport;

/** The few things a {@link ClientConnection} needs from a concrete transport (WebSocket, stdio). */
interface FrameSocket {

  /** Writes one ARCP frame. */
  void write(String frame);

  /** True while the socket has more queued than it wants; {@link #onDrain} fires when that passes. */
  boolean writeQueueFull();

  void onDrain(Runnable handler);

  /** The peer's address (its IP for a network socket), which failed logins are counted against. */
  String remoteAddress();

  /** Closes the transport; {@code code} is a WebSocket close code. */
  void close(int code, String reason);
}
