package dev.arcpgateway.cli;

import java.time.Duration;

/** When a client command gives up; {@link #NEVER} waits forever. */
record Deadline(long atNanos, Duration limit) {

  static final Deadline NEVER = new Deadline(Long.MAX_VALUE, null);

  /** {@code limit} from now; null or zero means never. */
  static Deadline after(Duration limit) {
    if (limit == null || limit.isZero()) {
      return NEVER;
    }
    return new Deadline(System.nanoTime() + limit.toNanos(), limit);
  }

  /** Whichever of the two comes first. */
  Deadline earliest(Deadline other) {
    if (never()) {
      return other;
    }
    if (other.never()) {
      return this;
    }
    return other.atNanos - atNanos < 0 ? other : this;
  }

  boolean never() {
    return limit == null;
  }

  /**
   * Milliseconds left (at least 0), or Long.MAX_VALUE for never. Rounded up, so that a wait of this long ends
   * with the deadline {@link #passed()}, not a fraction of a millisecond before.
   */
  long remainingMillis() {
    return never() ? Long.MAX_VALUE : Math.max(0, (atNanos - System.nanoTime() + 999_999) / 1_000_000);
  }

  boolean passed() {
    return !never() && atNanos - System.nanoTime() <= 0;
  }

  CliFailure expired(String waitingFor) {
    return new CliFailure(ExitCodes.TIMEOUT, "timed out after " + describe(limit) + " waiting for " + waitingFor);
  }

  static String describe(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }
}
