package dev.arcpgateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The failed-login throttle on a fake clock: when attempts wait, how long, and what it forgets. */
class LoginThrottleTest {

  static final long MS = 1_000_000L;
  static final LoginThrottle.Settings SETTINGS = new LoginThrottle.Settings(3, Duration.ofSeconds(60),
      Duration.ofMillis(100), Duration.ofMillis(800), 3);

  long now = 1_000 * MS;
  final LoginThrottle throttle = new LoginThrottle(SETTINGS, () -> now);

  void fail(String address, int times) {
    for (int i = 0; i < times; i++) {
      throttle.failed(address);
    }
  }

  @Test
  void attemptsDoNotWaitBeforeTheThreshold() {
    for (int i = 0; i < 3; i++) {
      assertEquals(0, throttle.admit("10.0.0.1"), "attempt " + i);
      throttle.failed("10.0.0.1");
    }
    assertEquals(100 * MS, throttle.admit("10.0.0.1"), "after 3 failures the next attempt waits the base delay");
    assertEquals(0, throttle.admit("10.0.0.2"), "other addresses are not slowed down");
  }

  @Test
  void theWaitDoublesWithEachFailureUpToTheMaximum() {
    fail("10.0.0.1", 3);
    long[] expected = {100, 200, 400, 800, 800, 800};
    for (long ms : expected) {
      long wait = throttle.admit("10.0.0.1");
      assertEquals(ms * MS, wait);
      now += wait; // the attempt waited, was verified, and failed
      throttle.failed("10.0.0.1");
    }
  }

  @Test
  void parallelAttemptsAreSpacedAndTheOverflowIsRefusedUnverified() {
    fail("10.0.0.1", 4); // spacing 200 ms
    assertEquals(200 * MS, throttle.admit("10.0.0.1"));
    assertEquals(400 * MS, throttle.admit("10.0.0.1"));
    assertEquals(600 * MS, throttle.admit("10.0.0.1"));
    assertEquals(800 * MS, throttle.admit("10.0.0.1"));
    assertEquals(LoginThrottle.REFUSE, throttle.admit("10.0.0.1"), "no attempt waits longer than the maximum");
    now += 800 * MS;
    assertEquals(200 * MS, throttle.admit("10.0.0.1"), "once the queue has passed, attempts are admitted again");
  }

  @Test
  void theThrottleStartsOnceAtTheThreshold() {
    assertFalse(throttle.failed("10.0.0.1"));
    assertFalse(throttle.failed("10.0.0.1"));
    assertTrue(throttle.failed("10.0.0.1"));
    assertFalse(throttle.failed("10.0.0.1"));
  }

  @Test
  void anAddressIsForgottenAWindowAfterItsLastFailure() {
    fail("10.0.0.1", 5);
    now += Duration.ofSeconds(59).toNanos();
    assertTrue(throttle.admit("10.0.0.1") > 0, "still within the window");
    throttle.failed("10.0.0.1");
    now += Duration.ofSeconds(61).toNanos();
    assertEquals(0, throttle.admit("10.0.0.1"), "a window after the last failure, the address starts afresh");
    assertEquals(0, throttle.size());
  }

  @Test
  void atMostMaxAddressesAreRemembered() {
    for (int i = 1; i <= 5; i++) {
      fail("10.0.0." + i, 3);
      now += MS;
    }
    assertEquals(3, throttle.size());
    assertEquals(0, throttle.admit("10.0.0.1"), "the least recently failed address was forgotten");
    assertEquals(100 * MS, throttle.admit("10.0.0.5"));
  }

  @Test
  void expiredAddressesAreDroppedAsNewFailuresArrive() {
    fail("10.0.0.1", 1);
    fail("10.0.0.2", 1);
    now += Duration.ofSeconds(61).toNanos();
    fail("10.0.0.3", 1);
    assertEquals(1, throttle.size());
  }
}
