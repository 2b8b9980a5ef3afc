package dev.arcpgateway.lease;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.store.CredentialLedger;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The lifecycle of provisioned credentials (§9.8.2) for the lease verticle: issue (recorded in the ledger before
 * anyone sees them), rotate on the provisioner's interval (announced to the job as a {@code credential_rotated}
 * status, the old value revoked), and revoke when the job ends however it ends — retried with backoff, a
 * permanent failure logged for operators and left in the ledger for the next start's sweep.
 */
final class ProvisionedCredentials {

  private static final System.Logger LOG = System.getLogger(ProvisionedCredentials.class.getName());
  private static final long[] RETRY_DELAYS_MS = {200, 1_000, 5_000, 30_000};

  private final Vertx vertx;
  private final CredentialProvisioner provisioner;
  private final CredentialLedger ledger;

  ProvisionedCredentials(Vertx vertx, CredentialProvisioner provisioner, CredentialLedger ledger) {
    this.vertx = vertx;
    this.provisioner = provisioner;
    this.ledger = ledger;
  }

  /** Whether credentials can be offered at all: a provisioner and a ledger that survives restarts. */
  boolean available() {
    return provisioner != null && ledger.durable();
  }

  Future<List<Credential>> issue(CredentialProvisioner.Request request) {
    return provisioner.issue(request).compose(credentials -> {
      List<Future<Void>> recorded = new ArrayList<>();
      for (Credential credential : credentials) {
        recorded.add(ledger.issued(new CredentialLedger.Entry(credential.id(), request.jobId(), Instant.now())));
      }
      return Future.all(recorded).map(credentials);
    });
  }

  /** Starts rotating {@code credentials} of {@code jobId}; returns the timer id, or -1 when not rotating. */
  long scheduleRotation(String jobId, List<Credential> credentials) {
    if (provisioner.rotationInterval() == null || credentials.isEmpty()) {
      return -1;
    }
    long every = Math.max(1, provisioner.rotationInterval().toMillis());
    List<Credential> current = new ArrayList<>(credentials);
    return vertx.setPeriodic(every, every, t -> {
      for (int i = 0; i < current.size(); i++) {
        int index = i;
        provisioner.rotate(current.get(i)).onSuccess(rotated -> {
          current.set(index, rotated);
          vertx.eventBus().send(Addresses.job(jobId), new JsonObject().put("op", "credential_rotated")
              .put("id", rotated.id()).put("value", rotated.value()), Bus.OPTIONS);
        }).onFailure(e -> LOG.log(System.Logger.Level.WARNING, "rotating " + current.get(index).id() + " failed", e));
      }
    });
  }

  /** Revokes every credential, retrying; completes once each is revoked or given up on (and logged). */
  Future<Void> revokeAll(List<Credential> credentials) {
    List<Future<Void>> all = new ArrayList<>();
    credentials.forEach(credential -> all.add(revoke(credential.id())));
    return Future.join(all).mapEmpty();
  }

  Future<Void> revoke(String credentialId) {
    Promise<Void> done = Promise.promise();
    attempt(credentialId, 0, done);
    return done.future();
  }

  private void attempt(String credentialId, int attempt, Promise<Void> done) {
    provisioner.revoke(credentialId).compose(v -> ledger.revoked(credentialId)).onComplete(result -> {
      if (result.succeeded()) {
        done.complete();
      } else if (attempt < RETRY_DELAYS_MS.length) {
        vertx.setTimer(RETRY_DELAYS_MS[attempt], t -> attempt(credentialId, attempt + 1, done));
      } else {
        LOG.log(System.Logger.Level.ERROR, "could not revoke credential " + credentialId + " after "
            + (attempt + 1) + " attempts; it stays in the ledger and is retried at the next start", result.cause());
        done.fail(result.cause());
      }
    });
  }

  /** Revokes what a previous run left outstanding (a crash between issue and revoke). */
  Future<Void> sweep() {
    if (provisioner == null) {
      return Future.succeededFuture();
    }
    return ledger.outstanding().compose(entries -> {
      if (!entries.isEmpty()) {
        LOG.log(System.Logger.Level.INFO, "revoking {0} credential(s) left outstanding by a previous run",
            entries.size());
      }
      List<Future<Void>> all = new ArrayList<>();
      entries.forEach(entry -> all.add(revoke(entry.credentialId())));
      return Future.join(all).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    });
  }
}
