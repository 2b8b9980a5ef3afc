package dev.arcpgateway.store.pg;

import static dev.arcpgateway.store.pg.PgDatabase.instant;
import static dev.arcpgateway.store.pg.PgDatabase.time;

import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.store.JobPage;
import dev.arcpgateway.store.JobQuery;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Jobs in {@code arcp_job}; each row names the gateway process that runs the job ({@code owner}). New jobs and
 * status moves from every job runner are gathered ({@link PgGatheredWrites}): one multi-row statement each for
 * whatever arrived while the previous one was on its way.
 */
final class PgJobStore implements JobStore {

  static final String TERMINAL = "('success', 'error', 'cancelled', 'timed_out')";
  private static final String COLUMNS = "job_id, principal, session_id, agent, status, lease, lease_constraints,"
      + " budget, parent_job_id, trace_id, created_at, accepted, updated_at, resume_token_hash";
  private static final String PUT = "INSERT INTO arcp_job (" + COLUMNS + ", owner, heartbeat_at)"
      + " SELECT job_id, principal, session_id, agent, status, lease::jsonb, lease_constraints::jsonb, budget::jsonb,"
      + " parent_job_id, trace_id, created_at, accepted::jsonb, updated_at, resume_token_hash, $15, updated_at"
      + " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
      + " $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::timestamptz[], $14::text[])"
      + " AS t(job_id, principal, session_id, agent, status, lease, lease_constraints, budget, parent_job_id,"
      + " trace_id, created_at, accepted, updated_at, resume_token_hash)"
      + " ON CONFLICT (job_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at";
  private static final String TRANSITION = "UPDATE arcp_job SET status = $3, updated_at = $4 WHERE job_id = $1"
      + " AND status = $2";
  private static final int MAX_ROWS = 500;
  /** How often a process marks its unfinished jobs as still run by it. */
  static final long HEARTBEAT_MS = 2_000;
  /** A job whose owner has not marked it for this long is orphaned: three beats missed. */
  static final long ORPHANED_AFTER_MS = 3 * HEARTBEAT_MS;

  private final PgDatabase db;
  private final String owner;
  private final PgGatheredWrites<JobSnapshot, Void> puts;
  private final PgGatheredWrites<Transition, Boolean> transitions;

  private record Transition(String jobId, JobStatus from, JobStatus to, Instant at) {
  }

  PgJobStore(Vertx vertx, PgDatabase db, String owner) {
    this.db = db;
    this.owner = owner;
    this.puts = new PgGatheredWrites<>(vertx, MAX_ROWS, job -> 1, PgGatheredWrites.noResult(this::insert));
    this.transitions = new PgGatheredWrites<>(vertx, MAX_ROWS, move -> 1, this::move);
  }

  @Override
  public Future<Void> put(JobSnapshot job) {
    return puts.write(job);
  }

  private Future<?> insert(List<JobSnapshot> jobs) {
    int n = jobs.size();
    String[][] text = new String[12][n];
    OffsetDateTime[] created = new OffsetDateTime[n];
    OffsetDateTime[] updated = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      JobSnapshot job = jobs.get(i);
      String[] row = {job.jobId(), job.principal(), job.sessionId(), job.agent(), job.status().wire(),
          encoded(job.lease()), encoded(job.leaseConstraints()), encoded(job.budget()), job.parentJobId(),
          job.traceId(), encoded(job.accepted()), job.resumeTokenHash()};
      for (int c = 0; c < row.length; c++) {
        text[c][i] = row[c];
      }
      created[i] = time(job.createdAt());
      updated[i] = time(job.updatedAt());
    }
    Tuple args = Tuple.tuple();
    for (int c = 0; c < 10; c++) {
      args.addArrayOfString(text[c]);
    }
    args.addArrayOfOffsetDateTime(created).addArrayOfString(text[10]).addArrayOfOffsetDateTime(updated)
        .addArrayOfString(text[11]).addString(owner);
    return db.execute(PUT, args);
  }

  private static String encoded(JsonObject value) {
    return value == null ? null : value.encode();
  }

  @Override
  public Future<Boolean> transition(String jobId, JobStatus from, JobStatus to, Instant at) {
    return transitions.write(new Transition(jobId, from, to, at));
  }

  /**
   * Several compare-and-sets in one round trip: each its own execution of the one-row update (an index lookup),
   * in order, all in one implicit transaction. A job's moves that follow one another in the batch (started, then
   * ended: an echo job's two) are one update from the first move's status to the last's, a row version fewer, when
   * they are the job's only moves in the batch; when that update finds the job in another status, its moves are
   * asked again one by one, as if never joined (nothing else of that job ran in between).
   */
  private Future<Function<Transition, Boolean>> move(List<Transition> moves) {
    List<Chain> chains = chains(moves);
    List<Tuple> batch = new ArrayList<>(chains.size());
    for (Chain chain : chains) {
      batch.add(row(chain.jobId(), chain.from(), chain.to(), chain.at()));
    }
    Map<Transition, Boolean> moved = new IdentityHashMap<>();
    return db.executeBatch(TRANSITION, batch).compose(first -> {
      List<Transition> missed = new ArrayList<>();
      RowSet<Row> rows = first;
      for (Chain chain : chains) {
        boolean applied = rows.rowCount() == 1;
        if (applied || chain.moves.size() == 1) {
          chain.moves.forEach(move -> moved.put(move, applied));
        } else {
          missed.addAll(chain.moves);
        }
        rows = rows.next();
      }
      return oneByOne(missed, 0, moved);
    }).map(done -> moved::get);
  }

  /** The batch's moves, a job's consecutive ones joined when they are all it has in the batch. */
  private static List<Chain> chains(List<Transition> moves) {
    Map<String, Chain> onlyChainOf = new HashMap<>();
    Map<String, Boolean> joinable = new HashMap<>();
    for (Transition move : moves) {
      Chain chain = onlyChainOf.get(move.jobId());
      if (chain == null) {
        onlyChainOf.put(move.jobId(), new Chain(move));
        joinable.put(move.jobId(), true);
      } else if (chain.to() == move.from()) {
        chain.moves.add(move);
      } else {
        joinable.put(move.jobId(), false);
      }
    }
    List<Chain> chains = new ArrayList<>(moves.size());
    for (Transition move : moves) {
      Chain chain = onlyChainOf.get(move.jobId());
      if (!joinable.get(move.jobId())) {
        chains.add(new Chain(move));
      } else if (chain.moves.get(0) == move) {
        chains.add(chain);
      }
    }
    return chains;
  }

  private Future<Void> oneByOne(List<Transition> moves, int index, Map<Transition, Boolean> moved) {
    if (index == moves.size()) {
      return Future.succeededFuture();
    }
    Transition move = moves.get(index);
    return db.execute(TRANSITION, row(move.jobId(), move.from(), move.to(), move.at())).compose(rows -> {
      moved.put(move, rows.rowCount() == 1);
      return oneByOne(moves, index + 1, moved);
    });
  }

  private static Tuple row(String jobId, JobStatus from, JobStatus to, Instant at) {
    return Tuple.of(jobId, from.wire(), to.wire(), time(at));
  }

  /** A job's moves that follow one another in a batch, from the first's status to the last's. */
  private static final class Chain {
    final List<Transition> moves = new ArrayList<>(2);

    Chain(Transition first) {
      moves.add(first);
    }

    String jobId() {
      return moves.get(0).jobId();
    }

    JobStatus from() {
      return moves.get(0).from();
    }

    JobStatus to() {
      return moves.get(moves.size() - 1).to();
    }

    Instant at() {
      return moves.get(moves.size() - 1).at();
    }
  }

  @Override
  public Future<List<JobSnapshot>> unfinished() {
    return db.execute("SELECT " + COLUMNS + " FROM arcp_job WHERE status IN ('pending', 'running')"
        + " ORDER BY created_at", Tuple.tuple()).map(PgJobStore::snapshots);
  }

  @Override
  public Future<List<JobSnapshot>> orphaned() {
    return db.execute("SELECT " + COLUMNS + " FROM arcp_job WHERE status IN ('pending', 'running') AND owner <> $1"
        + " AND heartbeat_at < now() - make_interval(secs => $2) ORDER BY created_at",
        Tuple.of(owner, ORPHANED_AFTER_MS / 1000.0)).map(PgJobStore::snapshots);
  }

  @Override
  public Future<List<JobSnapshot>> unfinishedOfNode(String nodeId) {
    return db.execute("SELECT " + COLUMNS + " FROM arcp_job WHERE status IN ('pending', 'running') AND owner = $1"
        + " ORDER BY created_at", Tuple.of(nodeOwner(nodeId))).map(PgJobStore::snapshots);
  }

  /** The {@code owner} of the jobs a clustered node runs: named after its Vert.x node id, which the others see. */
  static String nodeOwner(String nodeId) {
    return "node-" + nodeId;
  }

  @Override
  public Future<JobSnapshot> get(String jobId) {
    return db.execute("SELECT " + COLUMNS + " FROM arcp_job WHERE job_id = $1", Tuple.of(jobId))
        .map(rows -> rows.size() == 0 ? null : snapshot(rows.iterator().next()));
  }

  @Override
  public Future<JobPage> list(JobQuery query) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM arcp_job WHERE true");
    Tuple args = Tuple.tuple();
    if (query.principals() != null) {
      args.addArrayOfString(query.principals().toArray(String[]::new));
      sql.append(" AND principal = ANY($").append(args.size()).append(')');
    }
    if (!query.statuses().isEmpty()) {
      args.addArrayOfString(query.statuses().stream().map(JobStatus::wire).toArray(String[]::new));
      sql.append(" AND status = ANY($").append(args.size()).append(')');
    }
    if (query.agentName() != null) {
      args.addString(query.agentName());
      sql.append(" AND (agent = $").append(args.size()).append(" OR split_part(agent, '@', 1) = $")
          .append(args.size()).append(')');
    }
    if (query.createdAfter() != null) {
      args.addValue(time(query.createdAfter()));
      sql.append(" AND created_at > $").append(args.size());
    }
    if (query.after() != null) {
      args.addValue(time(query.after().createdAt())).addString(query.after().jobId());
      sql.append(" AND (created_at, job_id) < ($").append(args.size() - 1).append(", $").append(args.size())
          .append(')');
    }
    args.addInteger(query.limit() + 1); // one more than asked: whether a next page exists
    sql.append(" ORDER BY created_at DESC, job_id DESC LIMIT $").append(args.size());
    return db.execute(sql.toString(), args).map(rows -> {
      List<JobSnapshot> jobs = snapshots(rows);
      if (jobs.size() <= query.limit()) {
        return new JobPage(jobs, null);
      }
      List<JobSnapshot> page = jobs.subList(0, query.limit());
      JobSnapshot last = page.get(page.size() - 1);
      return new JobPage(List.copyOf(page), new JobQuery.Position(last.createdAt(), last.jobId()));
    });
  }

  /** Marks this process's unfinished jobs as still run by it. */
  Future<Void> heartbeat(Instant at) {
    return db.execute("UPDATE arcp_job SET heartbeat_at = $2 WHERE owner = $1 AND status IN ('pending', 'running')",
        Tuple.of(owner, time(at))).mapEmpty();
  }

  private static List<JobSnapshot> snapshots(RowSet<Row> rows) {
    List<JobSnapshot> jobs = new ArrayList<>(rows.size());
    rows.forEach(row -> jobs.add(snapshot(row)));
    return jobs;
  }

  private static JobSnapshot snapshot(Row row) {
    return new JobSnapshot(row.getString("job_id"), row.getString("principal"), row.getString("session_id"),
        row.getString("agent"), JobStatus.fromWire(row.getString("status")), row.getJsonObject("lease"),
        row.getJsonObject("lease_constraints"), row.getJsonObject("budget"), row.getString("parent_job_id"),
        row.getString("trace_id"), instant(row, "created_at"), row.getJsonObject("accepted"),
        instant(row, "updated_at"), row.getString("resume_token_hash"));
  }
}
