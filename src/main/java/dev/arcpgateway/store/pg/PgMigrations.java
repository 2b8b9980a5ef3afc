package dev.arcpgateway.store.pg;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings the schema up to date from the versioned SQL files in the jar ({@code db/pg/migrations} lists them in
 * order, {@code V<n>__<what>.sql}). One connection holds a session advisory lock while it reads the version table
 * and applies what is missing, each file in its own transaction with its version row, so two gateways starting
 * together against one database apply every file exactly once.
 */
final class PgMigrations {

  /** The advisory lock key: any constant no other application on the database uses ("arcp" in ASCII). */
  static final long LOCK = 0x61726370L;
  private static final String INDEX = "db/pg/migrations";

  private PgMigrations() {
  }

  /** One migration file: its version and SQL. */
  record Migration(int version, String name, String sql) {
  }

  /** The migrations in the jar, in order. */
  static List<Migration> bundled() {
    List<Migration> migrations = new ArrayList<>();
    for (String name : read(INDEX).split("\n")) {
      name = name.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (!name.matches("V[0-9]+__[A-Za-z0-9_]+\\.sql")) {
        throw new IllegalStateException("bad migration name in " + INDEX + ": " + name);
      }
      int version = Integer.parseInt(name.substring(1, name.indexOf("__")));
      if (version != migrations.size() + 1) {
        throw new IllegalStateException("migrations must be numbered 1, 2, ... without gaps: " + name);
      }
      migrations.add(new Migration(version, name, read("db/pg/" + name)));
    }
    return migrations;
  }

  /** Applies what the database lacks; the future is the schema version it is at afterwards. */
  static Future<Integer> apply(Vertx vertx, Pool pool) {
    return vertx.executeBlocking(PgMigrations::bundled, false).compose(migrations -> pool.getConnection()
        .compose(conn -> conn.query("SELECT pg_advisory_lock(" + LOCK + ")").execute()
            .compose(locked -> conn.query("CREATE TABLE IF NOT EXISTS arcp_schema_version (version int PRIMARY KEY,"
                + " name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
            .compose(created -> conn.query("SELECT coalesce(max(version), 0) AS v FROM arcp_schema_version")
                .execute())
            .compose(rows -> applyFrom(conn, migrations, rows.iterator().next().getInteger("v")))
            // the lock goes with the connection anyway; unlocking first hands it to a waiting gateway sooner
            .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK + ")").execute()
                .eventually(conn::close))));
  }

  private static Future<Integer> applyFrom(SqlConnection conn, List<Migration> migrations, int current) {
    if (current > migrations.size()) {
      return Future.failedFuture(new IllegalStateException("the database's schema is at version " + current
          + ", newer than this gateway knows (" + migrations.size() + "): run a newer gateway"));
    }
    Future<Integer> chain = Future.succeededFuture(current);
    for (Migration migration : migrations.subList(current, migrations.size())) {
      chain = chain.compose(v -> conn.begin().compose(tx -> conn.query(migration.sql()).execute()
          .compose(done -> conn.preparedQuery("INSERT INTO arcp_schema_version (version, name) VALUES ($1, $2)")
              .execute(Tuple.of(migration.version(), migration.name())))
          .compose(done -> tx.commit())
          .recover(failure -> tx.rollback().transform(ignored -> Future.failedFuture(new IllegalStateException(
              "migration " + migration.name() + " failed: " + PgFailures.describe(failure), failure)))))
          .map(migration.version()));
    }
    return chain;
  }

  /** The versions recorded as applied, for tests and operators. */
  static Future<List<Integer>> applied(Pool pool) {
    return pool.query("SELECT version FROM arcp_schema_version ORDER BY version").execute().map(rows -> {
      List<Integer> versions = new ArrayList<>();
      for (Row row : rows) {
        versions.add(row.getInteger("version"));
      }
      return versions;
    });
  }

  private static String read(String resource) {
    try (InputStream in = PgMigrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
