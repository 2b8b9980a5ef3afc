package dev.arcpgateway.cli;

import dev.arcpgateway.Gateway;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGTERM (and Ctrl-C) for {@code serve}: the first drains the gateway ({@link Gateway#close()}) and exits 0 once
 * it is done; a second one stops the process at once. The JVM's own handling would run shutdown hooks and exit
 * 143, whatever the drain achieved, so the signals are taken over here.
 */
final class Termination {

  /** The exit code when a second signal cuts the drain short: 128 + SIGTERM, as if the JVM had been killed. */
  private static final int CUT_SHORT = 143;

  private Termination() {
  }

  static void drainOnSigterm(Gateway gateway, Vertx vertx) {
    AtomicBoolean draining = new AtomicBoolean();
    sun.misc.SignalHandler handler = signal -> {
      if (!draining.compareAndSet(false, true)) {
        System.err.println("second " + signal.getName() + ": stopping now");
        Runtime.getRuntime().halt(CUT_SHORT);
      }
      System.err.println(signal.getName() + ": draining (up to " + gateway.options().drainTimeoutSec()
          + " s for running jobs; signal again to stop now)");
      gateway.close().compose(v -> vertx.close()).onComplete(done -> {
        if (done.failed()) {
          System.err.println("the drain did not complete: " + done.cause().getMessage());
        }
        // exit off the Vert.x thread that completed the close: System.exit waits for shutdown hooks
        new Thread(() -> System.exit(0), "arcp-exit").start();
      });
    };
    Signal.handle(new Signal("TERM"), handler);
    Signal.handle(new Signal("INT"), handler);
  }
}
