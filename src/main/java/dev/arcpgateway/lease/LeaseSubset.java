package dev.arcpgateway.lease;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Timestamps;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Delegation subsetting (§9.4): a child lease may only name what its parent's covers. Patterns must be covered
 * pattern by pattern, {@code model.use} included; {@code cost.budget} must fit in the parent's remaining
 * budget in every currency (and a parent with a budget cannot delegate an unbudgeted child); the child cannot
 * outlive the parent's expiry. Anything else is LEASE_SUBSET_VIOLATION.
 */
public final class LeaseSubset {

  private LeaseSubset() {
  }

  /**
   * Checks {@code child} against the parent and returns the child's effective expiry: its own, or the parent's
   * when it names none.
   *
   * @param modelUseRequired whether a lease without {@code model.use} forbids models (then a child may not add
   *                         model grants the parent lacks; otherwise a parent without it allows any model)
   */
  public static Instant check(Lease parent, Budget parentRemaining, Instant parentExpiresAt, Lease child,
                              Instant childExpiresAt, boolean modelUseRequired) {
    for (Map.Entry<String, List<String>> grant : child.grants().entrySet()) {
      String namespace = grant.getKey();
      if (namespace.equals(Capability.COST_BUDGET)) {
        continue;
      }
      if (!parent.has(namespace)) {
        if (namespace.equals(Capability.MODEL_USE) && !modelUseRequired) {
          continue; // the parent may use any model, so any model.use is narrower
        }
        throw violation("the parent lease has no " + namespace);
      }
      for (ResourcePattern wanted : child.compiled(namespace)) {
        if (parent.compiled(namespace).stream().noneMatch(have -> have.covers(wanted))) {
          throw violation(namespace + " \"" + wanted.source() + "\" is not covered by the parent lease");
        }
      }
    }
    Budget childBudget = Budget.of(child.patterns(Capability.COST_BUDGET));
    if (!parentRemaining.isEmpty() && childBudget.isEmpty()) {
      throw violation("the parent lease has a cost.budget, so the child needs one within what is left");
    }
    for (Map.Entry<String, BigDecimal> amount : childBudget.counters().entrySet()) {
      BigDecimal left = parentRemaining.remaining(amount.getKey());
      if (left == null) {
        throw violation("the parent lease has no " + amount.getKey() + " budget");
      }
      if (amount.getValue().compareTo(left) > 0) {
        throw violation("cost.budget " + amount.getKey() + ":" + amount.getValue().toPlainString()
            + " exceeds the parent's remaining " + amount.getKey() + ":" + left.toPlainString());
      }
    }
    if (parentExpiresAt == null) {
      return childExpiresAt;
    }
    if (childExpiresAt == null) {
      return parentExpiresAt;
    }
    if (childExpiresAt.isAfter(parentExpiresAt)) {
      throw violation("expires_at " + Timestamps.format(childExpiresAt) + " is later than the parent's "
          + Timestamps.format(parentExpiresAt));
    }
    return childExpiresAt;
  }

  private static ArcpException violation(String message) {
    return new ArcpException(ErrorCode.LEASE_SUBSET_VIOLATION, message);
  }
}
