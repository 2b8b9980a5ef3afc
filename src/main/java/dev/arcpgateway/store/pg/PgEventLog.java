package dev.arcpgateway.store.pg;

import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.protocol.JsonText;
import dev.arcpgateway.store.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Job logs in {@code arcp_event}. Appends from every job runner are gathered ({@link PgGatheredWrites}): one
 * multi-row statement for up to {@link #MAX_ROWS} events, in the order they were made.
 */
final class PgEventLog implements EventLog {

  static final int MAX_ROWS = 2000;
  private static final String INSERT = "INSERT INTO arcp_event (job_id, idx, frame)"
      + " SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])";

  private final PgDatabase db;
  private final PgGatheredWrites<Append, Void> appends;

  PgEventLog(Vertx vertx, PgDatabase db) {
    this.db = db;
    this.appends = new PgGatheredWrites<>(vertx, MAX_ROWS, append -> append.events().size(),
        PgGatheredWrites.noResult(this::insert));
  }

  private record Append(String jobId, List<JobFrame> events) {
  }

  @Override
  public Future<Void> append(String jobId, List<JobFrame> events) {
    return appends.write(new Append(jobId, events));
  }

  private Future<?> insert(List<Append> batch) {
    int rows = batch.stream().mapToInt(append -> append.events().size()).sum();
    String[] jobs = new String[rows];
    Long[] indexes = new Long[rows];
    String[] frames = new String[rows];
    int row = 0;
    for (Append append : batch) {
      for (JobFrame frame : append.events()) {
        jobs[row] = append.jobId();
        indexes[row] = frame.index();
        frames[row] = JsonText.loggedFrame(frame); // the payload once, as the job runner encoded it
        row++;
      }
    }
    return db.execute(INSERT, Tuple.of(jobs, indexes, frames));
  }

  @Override
  public Future<List<JobFrame>> read(String jobId, long afterIndex, int limit) {
    return db.execute("SELECT idx, frame FROM arcp_event WHERE job_id = $1 AND idx > $2 ORDER BY idx LIMIT $3",
        Tuple.of(jobId, afterIndex, limit)).map(rows -> {
          List<JobFrame> events = new ArrayList<>(rows.size());
          for (Row r : rows) {
            events.add(frame(jobId, r));
          }
          return events;
        });
  }

  @Override
  public Future<JobFrame> last(String jobId) {
    return db.execute("SELECT idx, frame FROM arcp_event WHERE job_id = $1 ORDER BY idx DESC LIMIT 1",
        Tuple.of(jobId)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          return frame(jobId, rows.iterator().next());
        });
  }

  /** A stored frame; its row's job and index are the ones that count. */
  private static JobFrame frame(String jobId, Row row) {
    JobFrame frame = JobFrame.fromJson(new JsonObject(row.getString("frame")));
    return new JobFrame(frame.type(), jobId, frame.traceId(), row.getLong("idx"), frame.payload(), null,
        frame.lifecycle());
  }
}
