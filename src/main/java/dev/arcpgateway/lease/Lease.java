package dev.arcpgateway.lease;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lease: capability grants as {@code namespace → [pattern]} (§9.1), compiled for matching. Immutable; budget
 * counters and expiry live beside it in the lease verticle.
 */
public final class Lease {

  private final Map<String, List<String>> grants;
  private final Map<String, List<ResourcePattern>> compiled;

  private Lease(Map<String, List<String>> grants) {
    this.grants = grants;
    Map<String, List<ResourcePattern>> patterns = new LinkedHashMap<>();
    grants.forEach((namespace, list) -> {
      if (!namespace.equals(Capability.COST_BUDGET)) {
        patterns.put(namespace, list.stream().map(p -> ResourcePattern.compile(namespace, p)).toList());
      }
    });
    this.compiled = patterns;
  }

  /**
   * Reads a {@code lease_request} (or an effective lease): an object of known namespaces, each an array of
   * non-empty strings that compile for their namespace. Anything else is an INVALID_REQUEST.
   */
  public static Lease parse(JsonObject json) {
    Map<String, List<String>> grants = new LinkedHashMap<>();
    if (json == null) {
      return new Lease(grants);
    }
    for (String namespace : json.fieldNames()) {
      if (!Capability.isKnown(namespace)) {
        throw ArcpException.invalid("unknown lease namespace " + namespace
            + "; use one of " + Capability.RESERVED + " or x-vendor.<name>");
      }
      if (!(json.getValue(namespace) instanceof JsonArray array)) {
        throw ArcpException.invalid("lease " + namespace + " must be an array of patterns");
      }
      List<String> patterns = new ArrayList<>();
      for (Object item : array) {
        if (!(item instanceof String pattern) || pattern.isEmpty()) {
          throw ArcpException.invalid("lease " + namespace + " patterns must be non-empty strings");
        }
        patterns.add(pattern);
      }
      grants.put(namespace, Collections.unmodifiableList(patterns));
    }
    Lease lease = new Lease(Collections.unmodifiableMap(grants));
    Budget.of(lease.patterns(Capability.COST_BUDGET)); // validates the amounts
    return lease;
  }

  public Map<String, List<String>> grants() {
    return grants;
  }

  public boolean has(String namespace) {
    return grants.containsKey(namespace);
  }

  /** The patterns granted in {@code namespace}, or an empty list. */
  public List<String> patterns(String namespace) {
    return grants.getOrDefault(namespace, List.of());
  }

  /** True when some pattern of {@code namespace} matches {@code resource}. */
  public boolean allows(String namespace, String resource) {
    List<ResourcePattern> patterns = compiled.get(namespace);
    if (patterns == null) {
      return false;
    }
    for (ResourcePattern pattern : patterns) {
      if (pattern.matches(resource)) {
        return true;
      }
    }
    return false;
  }

  /** Throws PERMISSION_DENIED unless {@code namespace} allows {@code resource}. */
  public void check(String namespace, String resource) {
    if (!allows(namespace, resource)) {
      throw new ArcpException(ErrorCode.PERMISSION_DENIED,
          namespace + " " + resource + " is not covered by the lease",
          new JsonObject().put("capability", namespace).put("resource", resource));
    }
  }

  /** The patterns of {@code namespace} compiled, or an empty list. */
  public List<ResourcePattern> compiled(String namespace) {
    return compiled.getOrDefault(namespace, List.of());
  }

  /**
   * This lease cut down to what {@code limit} allows: patterns not covered by a pattern of the same namespace in
   * {@code limit} are dropped, budgets are capped per currency (and imposed when {@code limit} has one).
   */
  public Lease narrowedTo(Lease limit) {
    Map<String, List<String>> kept = new LinkedHashMap<>();
    grants.forEach((namespace, patterns) -> {
      if (namespace.equals(Capability.COST_BUDGET) || !limit.has(namespace)) {
        return;
      }
      List<String> covered = new ArrayList<>();
      for (ResourcePattern pattern : compiled(namespace)) {
        if (limit.compiled(namespace).stream().anyMatch(allowed -> allowed.covers(pattern))) {
          covered.add(pattern.source());
        }
      }
      if (!covered.isEmpty()) {
        kept.put(namespace, Collections.unmodifiableList(covered));
      }
    });
    Budget cap = Budget.of(limit.patterns(Capability.COST_BUDGET));
    if (!cap.isEmpty()) {
      Budget asked = Budget.of(patterns(Capability.COST_BUDGET));
      List<String> amounts = new ArrayList<>();
      cap.counters().forEach((currency, max) -> {
        java.math.BigDecimal wanted = asked.remaining(currency);
        java.math.BigDecimal granted = wanted == null || wanted.compareTo(max) > 0 ? max : wanted;
        amounts.add(new Amount(currency, granted).toString());
      });
      kept.put(Capability.COST_BUDGET, Collections.unmodifiableList(amounts));
    } else if (has(Capability.COST_BUDGET)) {
      kept.put(Capability.COST_BUDGET, patterns(Capability.COST_BUDGET));
    }
    return new Lease(Collections.unmodifiableMap(kept));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    grants.forEach((namespace, patterns) -> json.put(namespace, new JsonArray(new ArrayList<>(patterns))));
    return json;
  }
}
