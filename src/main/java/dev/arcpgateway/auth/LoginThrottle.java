package dev.arcpgateway.auth;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down repeated failed logins from one remote address. After {@code afterFailures} failures, each further
 * attempt from that address waits before it is verified, the wait doubling with every failure up to
 * {@code maxDelay}; attempts are spaced by that wait, so opening connections in parallel does not multiply the
 * guessing rate, and an attempt that would wait longer than {@code maxDelay} is refused at once. An address is
 * forgotten {@code window} after its last failure; at most {@code maxAddresses} are remembered, the least recently
 * failed forgotten first.
 *
 * <p>One instance serves every session instance of a gateway, on whichever event loop a connection landed, so that
 * an address cannot multiply its attempts by spreading its connections; its few calls per login take a brief,
 * uncontended lock. (The agent bridge keeps its own.)
 */
public final class LoginThrottle {

  /** What {@link #admit} says when the attempt is refused without being verified. */
  public static final long REFUSE = -1;

  /** The throttle's settings ({@code login_throttle} in the gateway options). */
  public record Settings(int afterFailures, Duration window, Duration baseDelay, Duration maxDelay,
                         int maxAddresses) {

    public static final Settings DEFAULT = new Settings(5, Duration.ofMinutes(5), Duration.ofMillis(250),
        Duration.ofSeconds(30), 10_000);

    public Settings {
      if (afterFailures < 1 || maxAddresses < 1 || baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
        throw new IllegalArgumentException("login_throttle needs after_failures >= 1, max_addresses >= 1 and "
            + "0 <= base_delay_ms <= max_delay_ms");
      }
    }

    /**
     * From {@code after_failures}, {@code window_sec}, {@code base_delay_ms}, {@code max_delay_ms} and
     * {@code max_addresses}; absent keys keep the defaults.
     */
    public static Settings fromJson(JsonObject json) {
      return new Settings(json.getInteger("after_failures", DEFAULT.afterFailures),
          Duration.ofSeconds(json.getLong("window_sec", DEFAULT.window.toSeconds())),
          Duration.ofMillis(json.getLong("base_delay_ms", DEFAULT.baseDelay.toMillis())),
          Duration.ofMillis(json.getLong("max_delay_ms", DEFAULT.maxDelay.toMillis())),
          json.getInteger("max_addresses", DEFAULT.maxAddresses));
    }
  }

  /** The failures of one address. */
  private static final class Failures {
    int count;
    long lastNanos;
    /** When the latest admitted attempt may proceed; the next one is spaced after it. */
    long lastSlotNanos;
  }

  private final Settings settings;
  private final LongSupplier nanoClock;
  /** In order of the latest failure, oldest first. */
  private final LinkedHashMap<String, Failures> byAddress = new LinkedHashMap<>();

  /** @param nanoClock monotonic nanoseconds ({@code System::nanoTime}; a fake one in tests) */
  public LoginThrottle(Settings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
  }

  /**
   * How long (in nanoseconds) an attempt from {@code address} must wait before it is verified: 0 while the address
   * has fewer than {@code afterFailures} failures, {@link #REFUSE} when it would wait longer than
   * {@code maxDelay}. A positive answer reserves that slot.
   */
  public synchronized long admit(String address) {
    long now = nanoClock.getAsLong();
    Failures failures = live(address, now);
    if (failures == null || failures.count < settings.afterFailures()) {
      return 0;
    }
    long spacing = spacing(failures.count);
    long slot = Math.max(now, failures.lastSlotNanos) + spacing;
    if (slot - now > settings.maxDelay().toNanos()) {
      return REFUSE;
    }
    failures.lastSlotNanos = slot;
    return slot - now;
  }

  /**
   * Records a failed login from {@code address}; true when this failure is the one after which the address is
   * throttled.
   */
  public synchronized boolean failed(String address) {
    long now = nanoClock.getAsLong();
    Failures failures = live(address, now);
    if (failures == null) {
      failures = new Failures();
    } else {
      byAddress.remove(address); // re-inserted last: the map stays in order of the latest failure
    }
    failures.count++;
    failures.lastNanos = now;
    byAddress.put(address, failures);
    forgetExpired(now);
    if (byAddress.size() > settings.maxAddresses()) {
      byAddress.remove(byAddress.keySet().iterator().next());
    }
    return failures.count == settings.afterFailures();
  }

  /** Addresses currently remembered. */
  public synchronized int size() {
    return byAddress.size();
  }

  /** The wait between attempts after {@code count} failures: doubling from the base delay, capped. */
  private long spacing(int count) {
    int doublings = Math.min(count - settings.afterFailures(), 40);
    long base = settings.baseDelay().toNanos();
    long max = settings.maxDelay().toNanos();
    return base > (max >> doublings) ? max : base << doublings;
  }

  private Failures live(String address, long now) {
    Failures failures = byAddress.get(address);
    if (failures != null && expired(failures, now)) {
      byAddress.remove(address);
      return null;
    }
    return failures;
  }

  private boolean expired(Failures failures, long now) {
    return now - failures.lastNanos > settings.window().toNanos();
  }

  /** Drops expired entries from the oldest end; the map is ordered by the latest failure, so it stops early. */
  private void forgetExpired(long now) {
    Iterator<Map.Entry<String, Failures>> oldestFirst = byAddress.entrySet().iterator();
    while (oldestFirst.hasNext() && expired(oldestFirst.next().getValue(), now)) {
      oldestFirst.remove();
    }
  }
}
