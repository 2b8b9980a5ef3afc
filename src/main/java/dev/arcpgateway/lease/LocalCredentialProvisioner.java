package dev.arcpgateway.lease;

import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.protocol.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A self-contained provisioner for local use and tests: it is its own upstream. It mints one bearer key per
 * job for a configured endpoint, with the lease's budget, models and expiry as constraints, and can say
 * whether a value is currently valid — which is what an upstream would check.
 */
public final class LocalCredentialProvisioner implements CredentialProvisioner {

  private final String endpoint;
  private final Duration rotation;
  private final Map<String, String> liveValueById = new ConcurrentHashMap<>();
  private final Set<String> revokedIds = ConcurrentHashMap.newKeySet();

  /** @param rotation how often to rotate, or null for never */
  public LocalCredentialProvisioner(String endpoint, Duration rotation) {
    this.endpoint = endpoint;
    this.rotation = rotation;
  }

  @Override
  public Future<List<Credential>> issue(Request request) {
    JsonObject constraints = new JsonObject();
    List<String> budget = request.lease().patterns(Capability.COST_BUDGET);
    if (!budget.isEmpty()) {
      constraints.put(Capability.COST_BUDGET, new JsonArray(new ArrayList<>(budget)));
    }
    List<String> models = request.lease().patterns(Capability.MODEL_USE);
    if (!models.isEmpty()) {
      constraints.put(Capability.MODEL_USE, new JsonArray(new ArrayList<>(models)));
    }
    if (request.expiresAt() != null) {
      constraints.put("expires_at", Timestamps.format(request.expiresAt()));
    }
    Credential credential = new Credential(Ids.credential(), "bearer", Secrets.token("sk-local-"), endpoint,
        "generic", constraints);
    liveValueById.put(credential.id(), credential.value());
    return Future.succeededFuture(List.of(credential));
  }

  @Override
  public Future<Void> revoke(String credentialId) {
    liveValueById.remove(credentialId);
    revokedIds.add(credentialId);
    return Future.succeededFuture();
  }

  @Override
  public Duration rotationInterval() {
    return rotation;
  }

  @Override
  public Future<Credential> rotate(Credential credential) {
    Credential rotated = credential.withValue(Secrets.token("sk-local-"));
    liveValueById.put(credential.id(), rotated.value());
    return Future.succeededFuture(rotated);
  }

  /** True when {@code value} is the current value of a credential that was not revoked. */
  public boolean accepts(String value) {
    return liveValueById.containsValue(value);
  }

  /** True once {@code credentialId} was revoked. */
  public boolean revoked(String credentialId) {
    return revokedIds.contains(credentialId);
  }
}
