package dev.arcpgateway.lease;

import io.vertx.core.json.JsonObject;

/**
 * A provisioned credential (§9.8.1): short-lived authority at an upstream, scoped to one job.
 *
 * @param id          stable id within the job ({@code cred_…})
 * @param scheme      {@code bearer}
 * @param value       the secret
 * @param endpoint    the base URL where it is valid
 * @param profile     protocol hint ({@code openai}, {@code generic} …), or null
 * @param constraints what the upstream enforces ({@code cost.budget}, {@code model.use}, {@code expires_at}), or null
 */
public record Credential(String id, String scheme, String value, String endpoint, String profile,
                         JsonObject constraints) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("scheme", scheme).put("value", value)
        .put("endpoint", endpoint);
    if (profile != null) {
      json.put("profile", profile);
    }
    if (constraints != null) {
      json.put("constraints", constraints);
    }
    return json;
  }

  public Credential withValue(String newValue) {
    return new Credential(id, scheme, newValue, endpoint, profile, constraints);
  }
}
