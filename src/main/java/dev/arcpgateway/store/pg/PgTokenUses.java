package dev.arcpgateway.store.pg;

import static dev.arcpgateway.store.pg.PgDatabase.time;

import dev.arcpgateway.store.TokenUses;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/** Used token ids in {@code arcp_token_use}: the primary key lets exactly one use of each id in. */
final class PgTokenUses implements TokenUses {

  private final PgDatabase db;

  PgTokenUses(PgDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Boolean> use(String tokenId, Instant expiresAt) {
    return db.execute("INSERT INTO arcp_token_use (token_id, expires_at) VALUES ($1, $2)"
        + " ON CONFLICT (token_id) DO NOTHING", Tuple.of(tokenId, time(expiresAt)))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<Integer> forgetExpired(Instant now) {
    return db.execute("DELETE FROM arcp_token_use WHERE expires_at < $1", Tuple.of(time(now)))
        .map(rows -> rows.rowCount());
  }
}
