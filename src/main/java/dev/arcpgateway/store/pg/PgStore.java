package dev.arcpgateway.store.pg;

import static dev.arcpgateway.store.pg.PgDatabase.time;

import dev.arcpgateway.cluster.ClusterMembership;
import dev.arcpgateway.store.CredentialLedger;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.IdempotencyStore;
import dev.arcpgateway.store.JobStore;
import dev.arcpgateway.store.SessionJournal;
import dev.arcpgateway.store.SessionStore;
import dev.arcpgateway.store.TokenUses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.UUID;

/**
 * The gateway's state in PostgreSQL, so that sessions' jobs, their events and idempotency keys outlive the
 * process. Open it with {@link #open}, which brings the schema up to date first; pass it to
 * {@code Gateway.builder().store(...)}; the gateway closes it on undeploy.
 */
public final class PgStore implements GatewayStore {

  private final Vertx vertx;
  private final Pool pool;
  private final PgDatabase db;
  private final String owner;
  private final PgJobStore jobs;
  private final PgEventLog events;
  private final PgSessionStore sessions;
  private final PgSessionJournal journal;
  private final PgIdempotencyStore idempotency;
  private final PgCredentialLedger credentials;
  private final PgTokenUses tokenUses;
  private final long heartbeatTimer;

  private PgStore(Vertx vertx, Pool pool, String where) {
    this.vertx = vertx;
    this.pool = pool;
    this.db = new PgDatabase(pool, where);
    ClusterMembership membership = ClusterMembership.of(vertx);
    // a clustered node's jobs carry its node id, so the others can finish them as soon as it leaves
    this.owner = membership.clustered() ? PgJobStore.nodeOwner(membership.nodeId()) : "gw-" + UUID.randomUUID();
    this.jobs = new PgJobStore(vertx, db, owner);
    this.events = new PgEventLog(vertx, db);
    this.sessions = new PgSessionStore(db);
    this.journal = new PgSessionJournal(vertx, db);
    this.idempotency = new PgIdempotencyStore(db);
    this.credentials = new PgCredentialLedger(db);
    this.tokenUses = new PgTokenUses(db);
    this.heartbeatTimer = vertx.setPeriodic(PgJobStore.HEARTBEAT_MS, t -> jobs.heartbeat(Instant.now()));
  }

  /**
   * Connects to the database at {@code uri} ({@code postgresql://USER:PASSWORD@HOST:PORT/DB}) with a pool of
   * {@code poolSize} connections and applies the schema migrations this gateway carries. Fails with a
   * {@link PgStoreUnusable} whose message is one line for an operator: a malformed URI, a refused login, a missing
   * database, an unreachable server.
   */
  public static Future<PgStore> open(Vertx vertx, String uri, int poolSize) {
    if (uri == null || uri.isBlank()) {
      return Future.failedFuture(new PgStoreUnusable("store.type \"pg\" needs store.uri (or --pg-uri, or"
          + " ARCP_PG_URI): postgresql://USER:PASSWORD@HOST:PORT/DB"));
    }
    PgConnectOptions connect;
    try {
      connect = PgConnectOptions.fromUri(uri);
    } catch (RuntimeException malformed) {
      return Future.failedFuture(new PgStoreUnusable("the PostgreSQL URI is not usable (expected"
          + " postgresql://USER:PASSWORD@HOST:PORT/DB): " + PgFailures.describe(malformed)));
    }
    if (poolSize < 1) {
      return Future.failedFuture(new PgStoreUnusable("store.pool_size must be at least 1, not " + poolSize));
    }
    connect.setCachePreparedStatements(true);
    String where = connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize).setName("arcp-store"))
        .connectingTo(connect).using(vertx).build();
    return PgMigrations.apply(vertx, pool)
        .map(version -> new PgStore(vertx, pool, where))
        .recover(failure -> pool.close().transform(closed -> Future.failedFuture(new PgStoreUnusable(
            "cannot use PostgreSQL at " + where + " as user " + connect.getUser() + ": " + reason(failure)))));
  }

  private static String reason(Throwable failure) {
    String state = PgFailures.state(failure);
    if (state == null && failure.getCause() != null) {
      state = PgFailures.state(failure.getCause());
    }
    if ("28P01".equals(state) || "28000".equals(state)) {
      return "the server refused the login (wrong user or password)";
    }
    if ("3D000".equals(state)) {
      return "the database does not exist";
    }
    return PgFailures.describe(failure);
  }

  /** This process's name in the {@code owner} column of the jobs it runs. */
  public String owner() {
    return owner;
  }

  @Override
  public JobStore jobs() {
    return jobs;
  }

  @Override
  public EventLog events() {
    return events;
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public SessionJournal journal() {
    return journal;
  }

  @Override
  public boolean survivesRestart() {
    return true;
  }

  @Override
  public IdempotencyStore idempotency() {
    return idempotency;
  }

  @Override
  public CredentialLedger credentials() {
    return credentials;
  }

  @Override
  public TokenUses tokenUses() {
    return tokenUses;
  }

  @Override
  public Future<Integer> prune(Instant endedBefore, int batch) {
    String sql = "WITH doomed AS (SELECT job_id FROM arcp_job j WHERE status IN " + PgJobStore.TERMINAL
        + " AND updated_at < $1 AND NOT EXISTS (SELECT 1 FROM arcp_session s WHERE s.session_id = j.session_id)"
        + " ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED),"
        + " events AS (DELETE FROM arcp_event e USING doomed d WHERE e.job_id = d.job_id)"
        + " DELETE FROM arcp_job j USING doomed d WHERE j.job_id = d.job_id";
    return db.execute(sql, Tuple.of(time(endedBefore), batch)).map(rows -> rows.rowCount());
  }

  @Override
  public Future<Void> ping() {
    return db.execute("SELECT 1", Tuple.tuple()).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(heartbeatTimer);
    return pool.close();
  }

  /** The database cannot be used as configured; the message says why in one line. */
  public static final class PgStoreUnusable extends RuntimeException {
    PgStoreUnusable(String message) {
      super(message, null, false, false);
    }
  }
}
