package dev.arcpgateway.lease;

/**
 * Turns what a principal asks for into what it gets (§9.1): the effective lease is the request narrowed by
 * this policy. The default grants what is asked.
 */
@FunctionalInterface
public interface LeasePolicy {

  LeasePolicy GRANT_REQUESTED = (principal, requested) -> requested;

  /** The effective lease for {@code principal}; must only ever remove grants from {@code requested}. */
  Lease narrow(String principal, Lease requested);

  /**
   * A policy from configuration: {@code {"alice": {"fs.read": ["/ws/alice/**"], "cost.budget": ["USD:10"]},
   * "*": {...}}}. A listed principal (else {@code "*"}, else nobody: grant as asked) keeps only the requested
   * patterns that an allowed pattern of the same namespace covers; requested budgets are capped per currency, and
   * an allowed budget applies even when none was requested.
   */
  static LeasePolicy fromJson(io.vertx.core.json.JsonObject config) {
    java.util.Map<String, Lease> allowed = new java.util.HashMap<>();
    for (String principal : config.fieldNames()) {
      allowed.put(principal, Lease.parse(config.getJsonObject(principal)));
    }
    return (principal, requested) -> {
      Lease limit = allowed.getOrDefault(principal, allowed.get("*"));
      return limit == null ? requested : requested.narrowedTo(limit);
    };
  }
}
