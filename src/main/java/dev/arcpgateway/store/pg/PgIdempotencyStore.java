package dev.arcpgateway.store.pg;

import static dev.arcpgateway.store.pg.PgDatabase.instant;
import static dev.arcpgateway.store.pg.PgDatabase.time;

import dev.arcpgateway.store.IdempotencyStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/**
 * Idempotency keys in {@code arcp_idempotency}: a claim is one upsert that replaces only an expired entry, so the
 * primary key decides which of racing claims stands.
 */
final class PgIdempotencyStore implements IdempotencyStore {

  private static final String CLAIM = "INSERT INTO arcp_idempotency (principal, key, fingerprint, job_id,"
      + " expires_at, accepted) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (principal, key) DO UPDATE SET"
      + " fingerprint = EXCLUDED.fingerprint, job_id = EXCLUDED.job_id, expires_at = EXCLUDED.expires_at,"
      + " accepted = EXCLUDED.accepted WHERE arcp_idempotency.expires_at <= $7 RETURNING job_id";
  private static final String STANDING = "SELECT principal, key, fingerprint, job_id, expires_at, accepted"
      + " FROM arcp_idempotency WHERE principal = $1 AND key = $2";
  /** A claim that lost can find the winner released before it looks: then it tries again, a few times. */
  private static final int ATTEMPTS = 3;

  private final PgDatabase db;

  PgIdempotencyStore(PgDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Claim> claim(Claim claim) {
    return attempt(claim, ATTEMPTS);
  }

  private Future<Claim> attempt(Claim claim, int left) {
    Tuple args = Tuple.of(claim.principal(), claim.key(), claim.fingerprint(), claim.jobId(),
        time(claim.expiresAt()), claim.accepted(), time(Instant.now()));
    return db.execute(CLAIM, args).compose(won -> {
      if (won.size() == 1) {
        return Future.succeededFuture(claim);
      }
      return db.execute(STANDING, Tuple.of(claim.principal(), claim.key())).compose(rows -> {
        if (rows.size() == 1) {
          return Future.succeededFuture(standing(rows.iterator().next()));
        }
        return left > 1 ? attempt(claim, left - 1)
            : Future.failedFuture(new IllegalStateException("idempotency key of " + claim.principal()
                + " kept changing hands"));
      });
    });
  }

  @Override
  public Future<Void> release(Claim claim) {
    return db.execute("DELETE FROM arcp_idempotency WHERE principal = $1 AND key = $2 AND job_id = $3",
        Tuple.of(claim.principal(), claim.key(), claim.jobId())).mapEmpty();
  }

  private static Claim standing(Row row) {
    return new Claim(row.getString("principal"), row.getString("key"), row.getString("fingerprint"),
        row.getString("job_id"), instant(row, "expires_at"), row.getJsonObject("accepted"));
  }
}
