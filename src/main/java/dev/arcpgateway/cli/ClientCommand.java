package dev.arcpgateway.cli;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to a gateway: checks its own arguments, opens one {@link ArcpClient} session with the
 * {@link ClientOptions}, runs, and closes the session. Ctrl-C reaches the session as {@link ArcpClient.Interrupted}.
 */
abstract class ClientCommand implements Callable<Integer> {

  /**
   * The client's network libraries: their warnings (a connection evicted on close, a reset peer) are expected
   * moments of a client that the command reports in its own words, so only their severe errors are shown. Held
   * here because java.util.logging keeps loggers only weakly.
   */
  private static final List<Logger> LIBRARIES = List.of(Logger.getLogger("io.vertx"), Logger.getLogger("io.netty"));

  @Mixin
  ClientOptions client;

  /** How long the command may take when --timeout is not given (zero: no limit). */
  abstract Duration defaultTimeout();

  /** Checks the command's own arguments before anything connects; throws {@link CliFailure#usage}. */
  void check() {
  }

  abstract int run(ArcpClient session, CliOutput output, Deadline deadline);

  @Override
  public final Integer call() {
    LIBRARIES.forEach(library -> library.setLevel(Level.SEVERE));
    check();
    Interrupts.install();
    CliOutput output = new CliOutput(client.json());
    Deadline deadline = client.deadline(defaultTimeout());
    try (ArcpClient session = ArcpClient.open(client, "arcp-gateway-cli", deadline, output.notices())) {
      Interrupts.deliverTo(session);
      return run(session, output, deadline);
    }
  }

  /** A refusal of the command's request: printed as a line in json mode; exit code 1 with the ARCP code. */
  static CliFailure refusal(String request, JsonObject frame, CliOutput output) {
    if (output.json()) {
      output.jsonLine(frame);
    }
    return new CliFailure(ExitCodes.JOB_ERROR, request + " refused: " + ClientFrames.describeError(frame));
  }
}
