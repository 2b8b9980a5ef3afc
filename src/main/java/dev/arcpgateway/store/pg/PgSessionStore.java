package dev.arcpgateway.store.pg;

import static dev.arcpgateway.store.pg.PgDatabase.instant;
import static dev.arcpgateway.store.pg.PgDatabase.time;

import dev.arcpgateway.store.SessionSnapshot;
import dev.arcpgateway.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Sessions in {@code arcp_session}, and the cap's slots in {@code arcp_session_slot}: a slot is taken inside a
 * transaction that holds the principal's advisory lock, so racing hellos on any number of gateways see each
 * other's slots and cannot together pass a full cap.
 */
final class PgSessionStore implements SessionStore {

  private static final String COLUMNS = "session_id, principal, resume_token_hash, created_at, expires_at, scopes,"
      + " features, delegated";

  private final PgDatabase db;

  PgSessionStore(PgDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Void> put(SessionSnapshot session) {
    return db.execute("INSERT INTO arcp_session (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            + " ON CONFLICT (session_id) DO UPDATE SET resume_token_hash = EXCLUDED.resume_token_hash,"
            + " expires_at = EXCLUDED.expires_at, features = EXCLUDED.features",
        Tuple.of(session.sessionId(), session.principal(), session.resumeTokenHash(), time(session.createdAt()),
            time(session.expiresAt()), session.scopes().toArray(String[]::new))
            .addValue(session.features().toArray(String[]::new)).addValue(session.delegated())).mapEmpty();
  }

  @Override
  public Future<SessionSnapshot> get(String sessionId) {
    return db.execute("SELECT " + COLUMNS + " FROM arcp_session WHERE session_id = $1", Tuple.of(sessionId))
        .map(PgSessionStore::first);
  }

  @Override
  public Future<SessionSnapshot> findByResumeToken(String tokenHash) {
    return db.execute("SELECT " + COLUMNS + " FROM arcp_session WHERE resume_token_hash = $1", Tuple.of(tokenHash))
        .map(PgSessionStore::first);
  }

  @Override
  public Future<Boolean> takeSlot(String principal, String sessionId, int max) {
    return db.inTransaction(tx -> tx.preparedQuery("SELECT pg_advisory_xact_lock($1, hashtext($2))")
        .execute(Tuple.of((int) PgMigrations.LOCK, principal))
        .compose(locked -> tx.preparedQuery("INSERT INTO arcp_session_slot (principal, session_id) SELECT $1, $2"
            + " WHERE (SELECT count(*) FROM arcp_session_slot WHERE principal = $1) < $3 ON CONFLICT DO NOTHING")
            .execute(Tuple.of(principal, sessionId, max)))
        .compose(inserted -> tx.preparedQuery("SELECT 1 FROM arcp_session_slot WHERE principal = $1"
            + " AND session_id = $2").execute(Tuple.of(principal, sessionId)))
        .map(held -> held.size() == 1));
  }

  @Override
  public Future<Void> freeSlot(String principal, String sessionId) {
    return db.execute("DELETE FROM arcp_session_slot WHERE principal = $1 AND session_id = $2",
        Tuple.of(principal, sessionId)).mapEmpty();
  }

  @Override
  public Future<Void> remove(String sessionId) {
    return db.execute("WITH frames AS (DELETE FROM arcp_session_frame WHERE session_id = $1),"
        + " positions AS (DELETE FROM arcp_session_job WHERE session_id = $1)"
        + " DELETE FROM arcp_session WHERE session_id = $1", Tuple.of(sessionId)).mapEmpty();
  }

  @Override
  public Future<Integer> afterRestart(Instant now, Duration window) {
    return db.inTransaction(tx -> tx.query("DELETE FROM arcp_session_slot").execute()
        .compose(slots -> tx.preparedQuery("WITH gone AS (DELETE FROM arcp_session WHERE expires_at <= $1"
            + " RETURNING session_id), frames AS (DELETE FROM arcp_session_frame f USING gone g"
            + " WHERE f.session_id = g.session_id)"
            + " DELETE FROM arcp_session_job p USING gone g WHERE p.session_id = g.session_id")
            .execute(Tuple.of(time(now))))
        .compose(expired -> tx.preparedQuery("UPDATE arcp_session SET expires_at = $1 WHERE expires_at IS NULL")
            .execute(Tuple.of(time(now.plus(window)))))
        .compose(attached -> tx.query("SELECT count(*) AS kept FROM arcp_session").execute())
        .map(kept -> kept.iterator().next().getLong("kept").intValue()));
  }

  private static SessionSnapshot first(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row row = rows.iterator().next();
    return new SessionSnapshot(row.getString("session_id"), row.getString("principal"),
        row.getString("resume_token_hash"), instant(row, "created_at"), instant(row, "expires_at"),
        Set.of(row.getArrayOfStrings("scopes")), List.of(row.getArrayOfStrings("features")),
        row.getBoolean("delegated"));
  }
}
