package dev.arcpgateway.store.pg;

import static dev.arcpgateway.store.pg.PgDatabase.instant;
import static dev.arcpgateway.store.pg.PgDatabase.time;

import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.store.JobPage;
import dev.arcpgateway.store.JobQuery;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.store.JobStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Jobs in {@code arcp_job}; each row names the gateway process that runs the job ({@code owner}). */
final class PgJobStore implements JobStore {

  static final String TERMINAL = "('success', 'error', 'cancelled', 'timed_out')";
  private static final String COLUMNS = "job_id, principal, session_id, agent, status, lease, lease_constraints,"
      + " budget, parent_job_id, trace_id, created_at, accepted, updated_at, resume_token_hash";
  private static final String PUT = "INSERT INTO arcp_job (" + COLUMNS + ", owner, heartbeat_at) VALUES ($1, $2,"
      + " $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $13) ON CONFLICT (job_id) DO UPDATE SET"
      + " status = EXCLUDED.status, updated_at = EXCLUDED.updated_at";
  private static final String TRANSITION = "UPDATE arcp_job SET status = $3, updated_at = $4 WHERE job_id = $1"
      + " AND status = $2";

  private final PgDatabase db;
  private final String owner;

  PgJobStore(PgDatabase db, String owner) {
    this.db = db;
    this.owner = owner;
  }

  @Override
  public Future<Void> put(JobSnapshot job) {
    Tuple args = Tuple.tuple().addString(job.jobId()).addString(job.principal()).addString(job.sessionId())
        .addString(job.agent()).addString(job.status().wire()).addValue(job.lease())
        .addValue(job.leaseConstraints()).addValue(job.budget()).addString(job.parentJobId())
        .addString(job.traceId()).addValue(time(job.createdAt())).addValue(job.accepted())
        .addValue(time(job.updatedAt())).addString(job.resumeTokenHash()).addString(owner);
    return db.execute(PUT, args).mapEmpty();
  }

  @Override
  public Future<Boolean> transition(String jobId, JobStatus from, JobStatus to, Instant at) {
    return db.execute(TRANSITION, Tuple.of(jobId, from.wire(), to.wire(), time(at)))
        .map(rows -> rows.rowCount() == 1);
  }

  @Override
  public Future<List<JobSnapshot>> unfinished() {
    return db.execute("SELECT " + COLUMNS + " FROM arcp_job WHERE status IN ('pending', 'running')"
        + " ORDER BY created_at", Tuple.tuple()).map(PgJobStore::snapshots);
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
