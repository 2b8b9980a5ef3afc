package dev.arcpgateway.config;

/** A configuration that cannot be used; its message is the one line {@code serve} prints before exiting 2. */
public final class InvalidConfigException extends IllegalArgumentException {

  public InvalidConfigException(String message) {
    super(message);
  }
}
