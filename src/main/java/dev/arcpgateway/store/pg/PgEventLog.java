package dev.arcpgateway.store.pg;

import dev.arcpgateway.store.EventLog;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Job logs in {@code arcp_event}. Appends from every job runner are gathered: while one insert is on its way,
 * the appends that arrive wait, and go together as the next one — one multi-row statement for up to
 * {@link #MAX_ROWS} events, so a busy gateway writes many events per round trip and an idle one writes each at
 * once. One insert at a time keeps appends stored (and their futures completed) in the order they were made;
 * each future completes on the context of its caller.
 */
final class PgEventLog implements EventLog {

  static final int MAX_ROWS = 2000;
  private static final String INSERT = "INSERT INTO arcp_event (job_id, idx, frame)"
      + " SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])";

  private final Vertx vertx;
  private final PgDatabase db;
  /** Appends not yet sent, and whether an insert is on its way; guarded by {@code this}. */
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private boolean writing;

  PgEventLog(Vertx vertx, PgDatabase db) {
    this.vertx = vertx;
    this.db = db;
  }

  private record Pending(String jobId, List<LoggedEvent> events, Promise<Void> done, Context context) {
  }

  @Override
  public Future<Void> append(String jobId, List<LoggedEvent> events) {
    Promise<Void> done = Promise.promise();
    Pending pending = new Pending(jobId, events, done, vertx.getOrCreateContext());
    boolean start;
    synchronized (this) {
      waiting.addLast(pending);
      start = !writing;
      writing = true;
    }
    if (start) {
      writeNext();
    }
    return done.future();
  }

  private void writeNext() {
    List<Pending> batch = new ArrayList<>();
    synchronized (this) {
      int rows = 0;
      while (!waiting.isEmpty() && (batch.isEmpty() || rows + waiting.peekFirst().events().size() <= MAX_ROWS)) {
        Pending next = waiting.pollFirst();
        batch.add(next);
        rows += next.events().size();
      }
      if (batch.isEmpty()) {
        writing = false;
        return;
      }
    }
    insert(batch).onComplete(result -> {
      if (result.succeeded() || batch.size() == 1) {
        batch.forEach(p -> complete(p, result));
        writeNext();
      } else {
        // one append broke the statement (a repeated index): each on its own, so only that one fails
        alone(batch, 0);
      }
    });
  }

  private void alone(List<Pending> batch, int i) {
    if (i == batch.size()) {
      writeNext();
      return;
    }
    Pending pending = batch.get(i);
    insert(List.of(pending)).onComplete(result -> {
      complete(pending, result);
      alone(batch, i + 1);
    });
  }

  private Future<Void> insert(List<Pending> batch) {
    int rows = batch.stream().mapToInt(p -> p.events().size()).sum();
    String[] jobs = new String[rows];
    Long[] indexes = new Long[rows];
    String[] frames = new String[rows];
    int row = 0;
    for (Pending pending : batch) {
      for (LoggedEvent event : pending.events()) {
        jobs[row] = pending.jobId();
        indexes[row] = event.index();
        frames[row] = event.event().encode();
        row++;
      }
    }
    return db.execute(INSERT, Tuple.of(jobs, indexes, frames)).mapEmpty();
  }

  private static void complete(Pending pending, AsyncResult<?> outcome) {
    pending.context().runOnContext(v -> {
      if (outcome.succeeded()) {
        pending.done().complete();
      } else {
        pending.done().fail(outcome.cause());
      }
    });
  }

  @Override
  public Future<List<LoggedEvent>> read(String jobId, long afterIndex, int limit) {
    return db.execute("SELECT idx, frame FROM arcp_event WHERE job_id = $1 AND idx > $2 ORDER BY idx LIMIT $3",
        Tuple.of(jobId, afterIndex, limit)).map(rows -> {
          List<LoggedEvent> events = new ArrayList<>(rows.size());
          for (Row r : rows) {
            events.add(new LoggedEvent(r.getLong("idx"), new JsonObject(r.getString("frame"))));
          }
          return events;
        });
  }

  @Override
  public Future<LoggedEvent> last(String jobId) {
    return db.execute("SELECT idx, frame FROM arcp_event WHERE job_id = $1 ORDER BY idx DESC LIMIT 1",
        Tuple.of(jobId)).map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new LoggedEvent(r.getLong("idx"), new JsonObject(r.getString("frame")));
        });
  }
}
