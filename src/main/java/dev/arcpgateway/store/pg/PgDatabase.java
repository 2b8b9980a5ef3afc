package dev.arcpgateway.store.pg;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The store's one way to the database: every statement goes through here, so that losing PostgreSQL and getting it
 * back are each noticed (and logged) once, and a lost database reaches callers as the retryable ARCP error
 * "store unavailable" rather than as a driver's exception. The pool itself reconnects on the next use.
 */
final class PgDatabase {

  private static final System.Logger LOG = System.getLogger(PgStore.class.getName());

  private final Pool pool;
  private final String where;
  private final AtomicBoolean available = new AtomicBoolean(true);

  PgDatabase(Pool pool, String where) {
    this.pool = pool;
    this.where = where;
  }

  /** Runs one prepared statement. */
  Future<RowSet<Row>> execute(String sql, Tuple args) {
    return watch(pool.preparedQuery(sql).execute(args));
  }

  /**
   * Runs one prepared statement once per tuple in one round trip and one implicit transaction; the result holds
   * one row set per tuple ({@link RowSet#next()}).
   */
  Future<RowSet<Row>> executeBatch(String sql, List<Tuple> batch) {
    return watch(pool.preparedQuery(sql).executeBatch(batch));
  }

  /** Runs {@code body} in one transaction: committed when its future succeeds, rolled back when it fails. */
  <T> Future<T> inTransaction(Function<SqlClient, Future<T>> body) {
    return watch(pool.withTransaction(body::apply));
  }

  private <T> Future<T> watch(Future<T> result) {
    return result.transform(done -> {
      if (done.succeeded() || PgFailures.answered(done.cause())) {
        if (available.compareAndSet(false, true)) {
          LOG.log(System.Logger.Level.INFO, "PostgreSQL at {0} is reachable again", where);
        }
        return result;
      }
      if (available.compareAndSet(true, false)) {
        LOG.log(System.Logger.Level.WARNING, "PostgreSQL at {0} is unreachable ({1}); the gateway refuses what"
            + " it cannot store until it is back", where, PgFailures.describe(done.cause()));
      }
      return Future.failedFuture(unavailable());
    });
  }

  static ArcpException unavailable() {
    return new ArcpException(ErrorCode.INTERNAL_ERROR, "store unavailable: the gateway cannot reach its database;"
        + " try again shortly", true, null);
  }

  /** PostgreSQL keeps microseconds: instants are cut there before they are written, so they read back equal. */
  static OffsetDateTime time(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }
}
