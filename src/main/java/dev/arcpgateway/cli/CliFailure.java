package dev.arcpgateway.cli;

/**
 * Ends a client command with {@link #exitCode()} and one line on stderr ({@link #getMessage()}). Thrown from
 * anywhere in a command; {@link Main} prints it.
 */
final class CliFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliFailure(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  static CliFailure usage(String message) {
    return new CliFailure(ExitCodes.USAGE, message);
  }
}
