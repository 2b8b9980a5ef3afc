import dev.arcpgateway.testing.EmbeddedPg;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * A real PostgreSQL on loopback for the bench scripts, with nothing to install: the tests' own embedded server
 * ({@code dev.arcpgateway.testing.EmbeddedPg}, zonky's binaries from Maven) run as a process. Run it with the test
 * class path ({@code target/test-classes} plus {@code mvn dependency:build-classpath -Dmdep.includeScope=test}).
 *
 * <pre>
 *   java -cp CP PgServer serve [--databases N]   # prints URI lines, PID, READY; runs until SIGTERM
 *   java -cp CP PgServer stats URI               # one STATS {json} line about that database
 * </pre>
 *
 * <ul>
 *   <li>{@code serve} starts the server on a free port, creates N empty databases (one per benchmark run, so runs
 *       are comparable), prints {@code URI postgresql://...} for each, {@code PID} of the postmaster (for CPU
 *       accounting) and {@code READY}, then waits. SIGTERM stops PostgreSQL cleanly and removes its data
 *       directory (EmbeddedPg's shutdown hook). The data directory is made under {@code java.io.tmpdir}: the
 *       script points that at {@code target/}. The server runs as the tests run it, with {@code fsync},
 *       {@code synchronous_commit} and {@code full_page_writes} off (given on its command line, so they cannot
 *       be turned on later): figures leave out the disk's flush time.</li>
 *   <li>{@code stats} prints what PostgreSQL counted for one database: transactions, rows written per table, and
 *       whether fsync and synchronous commit are on, the milliseconds its backends spent running statements ({@code active_ms}, PostgreSQL 14's
 *       {@code active_time}): where the database's share of a run went.</li>
 * </ul>
 */
public final class PgServer {

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      usage();
    }
    switch (argv[0]) {
      case "serve" -> serve(argv);
      case "stats" -> {
        if (argv.length != 2) {
          usage();
        }
        stats(argv[1]);
      }
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: PgServer serve [--databases N] | PgServer stats URI");
    System.exit(2);
  }

  private static void serve(String[] argv) throws Exception {
    int databases = 1;
    for (int i = 1; i < argv.length; i++) {
      if ("--databases".equals(argv[i]) && i + 1 < argv.length) {
        databases = Integer.parseInt(argv[++i]);
      } else {
        usage();
      }
    }
    String admin = EmbeddedPg.uri("postgres");
    String dataDirectory;
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      dataDirectory = single(s, "SHOW data_directory");
    }
    for (int i = 0; i < databases; i++) {
      System.out.println("URI " + EmbeddedPg.freshDatabase());
    }
    // postmaster.pid's first line is the postmaster's pid; its children are the backends and workers
    String pid = Files.readAllLines(Path.of(dataDirectory, "postmaster.pid")).get(0).trim();
    System.out.println("PID " + pid);
    System.out.println("DATA " + dataDirectory);
    System.out.println("READY");
    System.out.flush();
    new CountDownLatch(1).await(); // until SIGTERM; the shutdown hook stops PostgreSQL
  }

  private static void stats(String uri) throws SQLException {
    StringBuilder json = new StringBuilder("{");
    try (Connection c = connect(uri); Statement s = c.createStatement()) {
      s.execute("SELECT pg_stat_clear_snapshot()");
      try (ResultSet r = s.executeQuery("SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted,"
          + " tup_returned, tup_fetched, blks_hit, blks_read, round(active_time) AS active_ms,"
          + " round(idle_in_transaction_time) AS idle_in_transaction_ms, sessions"
          + " FROM pg_stat_database WHERE datname = current_database()")) {
        r.next();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          json.append('"').append(r.getMetaData().getColumnName(i)).append("\":").append(r.getLong(i)).append(',');
        }
      }
      json.append("\"fsync\":\"").append(single(s, "SHOW fsync")).append("\",\"synchronous_commit\":\"")
          .append(single(s, "SHOW synchronous_commit")).append("\",");
      json.append("\"tables\":{");
      try (ResultSet r = s.executeQuery("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables"
          + " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY relname")) {
        boolean first = true;
        while (r.next()) {
          json.append(first ? "" : ",").append('"').append(r.getString(1)).append("\":{\"ins\":").append(r.getLong(2))
              .append(",\"upd\":").append(r.getLong(3)).append(",\"del\":").append(r.getLong(4)).append('}');
          first = false;
        }
      }
      json.append("}}");
    }
    System.out.println("STATS " + json);
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /** A JDBC connection for a URI in the gateway's form, postgresql://USER:PASSWORD@HOST:PORT/DB. */
  private static Connection connect(String uri) throws SQLException {
    URI parsed = URI.create(uri);
    String[] user = parsed.getUserInfo().split(":", 2);
    return DriverManager.getConnection("jdbc:postgresql://" + parsed.getHost() + ":" + parsed.getPort()
        + parsed.getPath(), user[0], user.length > 1 ? user[1] : "");
  }
}
