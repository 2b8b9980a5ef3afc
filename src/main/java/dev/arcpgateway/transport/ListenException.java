package dev.arcpgateway.transport;

/** A listener that could not open (a busy port, an address not on this machine, an unusable certificate). */
public final class ListenException extends RuntimeException {

  /** @param what the listener, e.g. "the ARCP WebSocket listener" */
  public ListenException(String what, String host, int port, Throwable cause) {
    super(what + " cannot listen on " + host + ":" + port + ": " + describe(cause), cause);
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }
}
