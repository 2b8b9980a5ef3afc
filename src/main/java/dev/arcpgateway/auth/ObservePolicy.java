package dev.arcpgateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who may observe (list and subscribe to) whose jobs (§6.6, §7.6, §14). The default is "same principal only";
 * broadening it is an explicit deployment decision. Observing never confers cancel authority.
 */
@FunctionalInterface
public interface ObservePolicy {

  ObservePolicy SAME_PRINCIPAL = (observer, owner) -> observer.equals(owner);

  /** True when {@code observer} may see jobs submitted by {@code owner}. */
  boolean mayObserve(String observer, String owner);

  /**
   * The principals whose jobs {@code observer} may list, or null for "everyone"; the observer itself is always
   * included.
   */
  default Set<String> observable(String observer) {
    return Set.of(observer);
  }

  /**
   * A policy from configuration: {@code {"dashboard": ["alice", "bob"], "auditor": ["*"]}} lets each key observe
   * the listed principals (or everyone) besides itself.
   */
  static ObservePolicy fromJson(JsonObject grants) {
    Map<String, Set<String>> byObserver = new HashMap<>();
    for (String observer : grants.fieldNames()) {
      Set<String> owners = new HashSet<>();
      JsonArray list = grants.getJsonArray(observer, new JsonArray());
      list.forEach(owner -> owners.add(String.valueOf(owner)));
      byObserver.put(observer, owners);
    }
    return new ObservePolicy() {
      @Override
      public boolean mayObserve(String observer, String owner) {
        Set<String> owners = byObserver.get(observer);
        return observer.equals(owner) || (owners != null && (owners.contains("*") || owners.contains(owner)));
      }

      @Override
      public Set<String> observable(String observer) {
        Set<String> owners = byObserver.get(observer);
        if (owners == null) {
          return Set.of(observer);
        }
        if (owners.contains("*")) {
          return null;
        }
        Set<String> all = new HashSet<>(owners);
        all.add(observer);
        return all;
      }
    };
  }
}
