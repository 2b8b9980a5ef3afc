package dev.arcpgateway.store.pg;

import dev.arcpgateway.store.SessionJournal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Session journals in {@code arcp_session_frame}, with each session's position in each job's log in
 * {@code arcp_session_job}. Appends from every session are gathered ({@link PgGatheredWrites}); one statement
 * inserts a batch's frames and moves its positions, so the two never disagree.
 */
final class PgSessionJournal implements SessionJournal {

  private static final int MAX_ROWS = 2000;
  private static final String APPEND = "WITH frames AS (INSERT INTO arcp_session_frame (session_id, seq, frame)"
      + " SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]))"
      + " INSERT INTO arcp_session_job (session_id, job_id, job_idx, last_seq, ended)"
      + " SELECT * FROM unnest($4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::boolean[])"
      + " ON CONFLICT (session_id, job_id) DO UPDATE SET"
      + " job_idx = greatest(arcp_session_job.job_idx, EXCLUDED.job_idx),"
      + " last_seq = greatest(arcp_session_job.last_seq, EXCLUDED.last_seq),"
      + " ended = arcp_session_job.ended OR EXCLUDED.ended";
  private static final String OPEN_JOBS = "SELECT j.job_id, coalesce(p.job_idx, 0) AS job_idx FROM arcp_job j"
      + " LEFT JOIN arcp_session_job p ON p.session_id = j.session_id AND p.job_id = j.job_id"
      + " WHERE j.session_id = $1 AND NOT coalesce(p.ended, false)"
      + " UNION SELECT job_id, job_idx FROM arcp_session_job WHERE session_id = $1 AND NOT ended";

  private final PgDatabase db;
  private final PgGatheredWrites<Append, Void> appends;

  PgSessionJournal(Vertx vertx, PgDatabase db) {
    this.db = db;
    this.appends = new PgGatheredWrites<>(vertx, MAX_ROWS, append -> append.frames().size(),
        PgGatheredWrites.noResult(this::insert));
  }

  private record Append(String sessionId, List<SessionFrame> frames) {
  }

  /** Where one batch leaves a session in one job. */
  private record Position(String sessionId, String jobId, long jobIndex, long lastSeq, boolean ended) {
    Position merge(SessionFrame frame) {
      return new Position(sessionId, jobId, Math.max(jobIndex, frame.jobIndex()), Math.max(lastSeq, frame.seq()),
          ended || frame.terminal());
    }
  }

  @Override
  public Future<Void> append(String sessionId, List<SessionFrame> frames) {
    return frames.isEmpty() ? Future.succeededFuture() : appends.write(new Append(sessionId, frames));
  }

  private Future<?> insert(List<Append> batch) {
    int rows = batch.stream().mapToInt(append -> append.frames().size()).sum();
    String[] sessions = new String[rows];
    Long[] seqs = new Long[rows];
    String[] texts = new String[rows];
    // one row per session and job: a statement may not update a row twice
    Map<List<String>, Position> positions = new LinkedHashMap<>();
    int row = 0;
    for (Append append : batch) {
      for (SessionFrame frame : append.frames()) {
        sessions[row] = append.sessionId();
        seqs[row] = frame.seq();
        texts[row] = frame.text();
        row++;
        positions.compute(List.of(append.sessionId(), frame.jobId()), (key, held) -> (held != null ? held
            : new Position(append.sessionId(), frame.jobId(), 0, 0, false)).merge(frame));
      }
    }
    int n = positions.size();
    String[] positionSessions = new String[n];
    String[] jobs = new String[n];
    Long[] indexes = new Long[n];
    Long[] lastSeqs = new Long[n];
    Boolean[] ended = new Boolean[n];
    int i = 0;
    for (Position position : positions.values()) {
      positionSessions[i] = position.sessionId();
      jobs[i] = position.jobId();
      indexes[i] = position.jobIndex();
      lastSeqs[i] = position.lastSeq();
      ended[i] = position.ended();
      i++;
    }
    return db.execute(APPEND, Tuple.of(sessions, seqs, texts, positionSessions, jobs, indexes)
        .addValue(lastSeqs).addValue(ended));
  }

  @Override
  public Future<List<Kept>> read(String sessionId, long afterSeq, int limit) {
    return db.execute("SELECT seq, frame FROM arcp_session_frame WHERE session_id = $1 AND seq > $2 ORDER BY seq"
        + " LIMIT $3", Tuple.of(sessionId, afterSeq, limit)).map(rows -> {
          List<Kept> frames = new ArrayList<>(rows.size());
          for (Row r : rows) {
            frames.add(new Kept(r.getLong("seq"), r.getString("frame")));
          }
          return frames;
        });
  }

  @Override
  public Future<Long> lastSeq(String sessionId) {
    return db.execute("SELECT coalesce(max(last_seq), 0) AS last FROM arcp_session_job WHERE session_id = $1",
        Tuple.of(sessionId)).map(rows -> rows.iterator().next().getLong("last"));
  }

  @Override
  public Future<Void> dropRange(String sessionId, long afterSeq, long throughSeq) {
    return db.execute("DELETE FROM arcp_session_frame WHERE session_id = $1 AND seq > $2 AND seq <= $3",
        Tuple.of(sessionId, afterSeq, throughSeq)).mapEmpty();
  }

  @Override
  public Future<Map<String, Long>> openJobs(String sessionId) {
    return db.execute(OPEN_JOBS, Tuple.of(sessionId)).map(rows -> {
      Map<String, Long> open = new LinkedHashMap<>();
      for (Row r : rows) {
        open.merge(r.getString("job_id"), r.getLong("job_idx"), Math::max);
      }
      return open;
    });
  }
}
