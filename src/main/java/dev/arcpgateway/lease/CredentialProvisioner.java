package dev.arcpgateway.lease;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Mints, rotates and revokes credentials at an upstream (§9.8): LLM gateways, search APIs, anything that can
 * issue a scoped key. The gateway calls it from the lease verticle, never blocking: return futures.
 */
public interface CredentialProvisioner {

  /**
   * Credentials for one job, each constrained at or below the job's lease. Failing refuses the job (its submit
   * is answered with the error).
   */
  Future<List<Credential>> issue(Request request);

  /** Revokes a credential at the upstream; fail on transient errors (the gateway retries). */
  Future<Void> revoke(String credentialId);

  /** How often credentials are replaced mid-job, or null for never. */
  default Duration rotationInterval() {
    return null;
  }

  /**
   * A new value for {@code credential} (same id); the provisioner invalidates the old value at the upstream as
   * part of rotating, and the gateway announces the new one to the submitter.
   */
  default Future<Credential> rotate(Credential credential) {
    return Future.failedFuture(new UnsupportedOperationException("this provisioner does not rotate"));
  }

  /**
   * What a credential is for.
   *
   * @param jobId     the job
   * @param principal the submitting principal
   * @param lease     the effective lease
   * @param budget    the job's budget counters, or an empty object
   * @param expiresAt the lease's expiry, or null
   */
  record Request(String jobId, String principal, Lease lease, JsonObject budget, Instant expiresAt) {
  }
}
