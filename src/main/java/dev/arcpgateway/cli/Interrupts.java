package dev.arcpgateway.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for client commands. SIGINT starts the JVM's shutdown, which ends the process with exit code 130 once
 * the shutdown hooks returned; this hook first asks the running command to wind down ({@code submit} cancels its
 * job, {@code watch} stops watching) and waits for it, bounded, so that its last line is printed.
 */
final class Interrupts {

  private static final long GRACE_SECONDS = 8;
  private static final CountDownLatch FINISHED = new CountDownLatch(1);
  private static volatile ArcpClient current;
  private static boolean installed;

  private Interrupts() {
  }

  /** From now on Ctrl-C ends the command with one line on stderr (it has no session to wind down yet). */
  static synchronized void install() {
    if (!installed) {
      installed = true;
      Runtime.getRuntime().addShutdownHook(new Thread(Interrupts::windDown, "arcp-interrupt"));
    }
  }

  /** From now on Ctrl-C interrupts {@code client}'s command. */
  static void deliverTo(ArcpClient client) {
    install();
    current = client;
  }

  /** The command returned: a shutdown from now on (its own exit, or a late Ctrl-C) need not wait. */
  static void finished() {
    FINISHED.countDown();
  }

  private static void windDown() {
    ArcpClient client = current;
    if (FINISHED.getCount() == 0) {
      return;
    }
    if (client == null) {
      System.err.println("interrupted");
      return;
    }
    client.interrupt();
    try {
      FINISHED.await(GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
