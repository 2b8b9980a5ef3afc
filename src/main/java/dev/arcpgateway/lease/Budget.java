package dev.arcpgateway.lease;

import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Budget counters of one job, one per currency, initialised from the lease's {@code cost.budget} amounts
 * (several amounts in one currency add up) and decremented by reported costs.
 */
public final class Budget {

  private final Map<String, BigDecimal> remaining = new LinkedHashMap<>();

  private Budget() {
  }

  /** Counters for the {@code cost.budget} patterns of a lease; an empty budget when there are none. */
  public static Budget of(List<String> amounts) {
    Budget budget = new Budget();
    for (String text : amounts) {
      Amount amount = Amount.parse(text);
      budget.remaining.merge(amount.currency(), amount.value(), BigDecimal::add);
    }
    return budget;
  }

  public boolean isEmpty() {
    return remaining.isEmpty();
  }

  public boolean tracks(String currency) {
    return remaining.containsKey(currency);
  }

  /** True when some counter is at or below zero (§9.6: no operation may then pass). */
  public boolean exhausted() {
    return remaining.values().stream().anyMatch(v -> v.signum() <= 0);
  }

  /** Decrements {@code currency} by {@code cost}; negative costs are refused and change nothing. */
  public BigDecimal charge(String currency, BigDecimal cost) {
    if (cost.signum() < 0) {
      throw ArcpException.invalid("cost must not be negative");
    }
    return remaining.computeIfPresent(currency, (c, left) -> left.subtract(cost));
  }

  /** Moves {@code amount} out of this budget (to a delegated child); refused when it exceeds what is left. */
  public void withdraw(String currency, BigDecimal amount) {
    BigDecimal left = remaining.get(currency);
    if (left == null || left.compareTo(amount) < 0) {
      throw new IllegalStateException("not enough " + currency + " left");
    }
    remaining.put(currency, left.subtract(amount));
  }

  /**
   * Settles a finished child: what it did not spend comes back; what it overspent (by at most its last step) is
   * charged here, so that a parent's counter reflects what its whole subtree spent.
   */
  public void settle(String currency, BigDecimal childRemaining) {
    remaining.computeIfPresent(currency, (c, left) -> left.add(childRemaining));
  }

  public BigDecimal remaining(String currency) {
    return remaining.get(currency);
  }

  public Map<String, BigDecimal> counters() {
    return Collections.unmodifiableMap(remaining);
  }

  /** The counters as JSON numbers ({@code {"USD": 5.0}}), as {@code job.accepted.budget} carries them. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    remaining.forEach((currency, value) -> json.put(currency, value.doubleValue()));
    return json;
  }
}
