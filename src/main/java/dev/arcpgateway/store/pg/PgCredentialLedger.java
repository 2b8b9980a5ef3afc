package dev.arcpgateway.store.pg;

import static dev.arcpgateway.store.pg.PgDatabase.instant;
import static dev.arcpgateway.store.pg.PgDatabase.time;

import dev.arcpgateway.store.CredentialLedger;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The credential ledger in {@code arcp_credential}: durable, so the gateway may provision credentials. */
final class PgCredentialLedger implements CredentialLedger {

  private final PgDatabase db;

  PgCredentialLedger(PgDatabase db) {
    this.db = db;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public Future<Void> issued(Entry entry) {
    return db.execute("INSERT INTO arcp_credential (credential_id, job_id, issued_at) VALUES ($1, $2, $3)"
            + " ON CONFLICT (credential_id) DO NOTHING",
        Tuple.of(entry.credentialId(), entry.jobId(), time(entry.issuedAt()))).mapEmpty();
  }

  @Override
  public Future<Void> revoked(String credentialId) {
    return db.execute("UPDATE arcp_credential SET revoked_at = $2 WHERE credential_id = $1 AND revoked_at IS NULL",
        Tuple.of(credentialId, time(Instant.now()))).mapEmpty();
  }

  @Override
  public Future<List<Entry>> outstanding() {
    return db.execute("SELECT credential_id, job_id, issued_at FROM arcp_credential WHERE revoked_at IS NULL"
        + " ORDER BY issued_at", Tuple.tuple()).map(rows -> {
          List<Entry> entries = new ArrayList<>(rows.size());
          for (Row row : rows) {
            entries.add(new Entry(row.getString("credential_id"), row.getString("job_id"),
                instant(row, "issued_at")));
          }
          return entries;
        });
  }
}
