package dev.arcpgateway.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Outstanding provisioned credentials (§9.8.2, §14 revocation reliability): every credential is recorded before
 * it is handed out and marked once revoked, so that credentials left over by a crash are revoked at the next
 * start. Only a durable ledger makes the gateway advertise {@code provisioned_credentials}.
 */
public interface CredentialLedger {

  /** True when entries survive a restart of the gateway. */
  boolean durable();

  Future<Void> issued(Entry entry);

  Future<Void> revoked(String credentialId);

  /** Credentials issued and not yet revoked. */
  Future<List<Entry>> outstanding();

  /**
   * One issued credential (its secret value is never recorded).
   *
   * @param credentialId the credential
   * @param jobId        its job
   * @param issuedAt     when it was issued
   */
  record Entry(String credentialId, String jobId, Instant issuedAt) {
  }
}
