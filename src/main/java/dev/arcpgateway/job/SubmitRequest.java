package dev.arcpgateway.job;

import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.CanonicalJson;
import dev.arcpgateway.protocol.Extensions;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Secrets;
import io.vertx.core.json.JsonObject;

/**
 * A validated {@code job.submit} payload (§7.1). The lease request and constraints are only checked for shape
 * here; the lease verticle decides what they mean.
 *
 * @param agentText        {@code agent} as submitted
 * @param agent            the parsed reference
 * @param input            the input (any JSON value, or null)
 * @param leaseRequest     {@code lease_request}, or null
 * @param leaseConstraints {@code lease_constraints}, or null
 * @param idempotencyKey   {@code idempotency_key}, or null
 * @param maxRuntimeSec    {@code max_runtime_sec}, or null
 * @param parentJobId      {@code parent_job_id} (delegation by submission), or null
 * @param delegationToken  {@code delegation_token} (§10: run as a child under the token's lease), or null
 * @param extensions       the payload's {@code x-*} keys and {@code extensions} object
 */
public record SubmitRequest(String agentText, AgentRef agent, Object input, JsonObject leaseRequest,
                            JsonObject leaseConstraints, String idempotencyKey, Long maxRuntimeSec,
                            String parentJobId, String delegationToken, JsonObject extensions) {

  public static final int MAX_IDEMPOTENCY_KEY = 256;
  public static final long MAX_RUNTIME_SEC = 30L * 24 * 3600;

  public static SubmitRequest parse(JsonObject payload) {
    String agentText = Fields.optString(payload, "agent");
    AgentRef agent = AgentRef.parse(agentText);
    String key = Fields.optString(payload, "idempotency_key");
    if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY)) {
      throw ArcpException.invalid("idempotency_key must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
    }
    Long maxRuntime = Fields.optLong(payload, "max_runtime_sec");
    if (maxRuntime != null && (maxRuntime <= 0 || maxRuntime > MAX_RUNTIME_SEC)) {
      throw ArcpException.invalid("max_runtime_sec must be between 1 and " + MAX_RUNTIME_SEC);
    }
    return new SubmitRequest(agentText, agent, payload.getValue("input"),
        Fields.optObject(payload, "lease_request"), Fields.optObject(payload, "lease_constraints"), key, maxRuntime,
        Fields.optString(payload, "parent_job_id"), Fields.optString(payload, "delegation_token"),
        Extensions.collect(payload));
  }

  /** A digest of everything that must match when an idempotency key is reused (§7.2). */
  public String fingerprint() {
    JsonObject canonical = new JsonObject()
        .put("agent", agentText)
        .put("input", input)
        .put("lease_request", leaseRequest)
        .put("lease_constraints", leaseConstraints)
        .put("max_runtime_sec", maxRuntimeSec)
        .put("parent_job_id", parentJobId);
    return Secrets.hash(CanonicalJson.encode(canonical));
  }
}
