package dev.arcpgateway.store.pg;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Writes from every verticle, gathered: while one statement is on its way, the writes that arrive wait, and go
 * together as the next one (up to {@code maxRows} rows), so a busy gateway writes many rows per round trip and an
 * idle one writes each at once. One statement at a time keeps writes stored (and their futures completed) in the
 * order they were made; each future completes on the context of its caller. When a gathered statement fails, each
 * write is retried on its own, so only the one that broke it fails.
 *
 * @param <T> one caller's write
 * @param <R> what a write's caller learns (what the statement said of it)
 */
final class PgGatheredWrites<T, R> {

  private final Vertx vertx;
  private final int maxRows;
  private final ToIntFunction<T> rows;
  private final Function<List<T>, Future<Function<T, R>>> statement;
  /** Writes not yet sent, and whether a statement is on its way; guarded by {@code this}. */
  private final ArrayDeque<Pending<T, R>> waiting = new ArrayDeque<>();
  private boolean writing;

  private record Pending<T, R>(T write, Promise<R> done, Context context) {
  }

  /**
   * @param rows      how many rows a write has
   * @param statement runs one statement for the writes given, in order; its outcome tells each write's result
   */
  PgGatheredWrites(Vertx vertx, int maxRows, ToIntFunction<T> rows,
                   Function<List<T>, Future<Function<T, R>>> statement) {
    this.vertx = vertx;
    this.maxRows = maxRows;
    this.rows = rows;
    this.statement = statement;
  }

  /** Runs each write of a statement with no result to tell: every write's result is null. */
  static <T> Function<List<T>, Future<Function<T, Void>>> noResult(Function<List<T>, Future<?>> statement) {
    return writes -> statement.apply(writes).map(done -> write -> null);
  }

  /** Queues {@code write}; the future completes once it is stored, with what the statement said of it. */
  Future<R> write(T write) {
    Promise<R> done = Promise.promise();
    Pending<T, R> pending = new Pending<>(write, done, vertx.getOrCreateContext());
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
    List<Pending<T, R>> batch = new ArrayList<>();
    synchronized (this) {
      int gathered = 0;
      while (!waiting.isEmpty()
          && (batch.isEmpty() || gathered + rows.applyAsInt(waiting.peekFirst().write()) <= maxRows)) {
        Pending<T, R> next = waiting.pollFirst();
        batch.add(next);
        gathered += rows.applyAsInt(next.write());
      }
      if (batch.isEmpty()) {
        writing = false;
        return;
      }
    }
    run(batch).onComplete(result -> {
      if (result.succeeded() || batch.size() == 1) {
        batch.forEach(p -> complete(p, result));
        writeNext();
      } else {
        alone(batch, 0);
      }
    });
  }

  private void alone(List<Pending<T, R>> batch, int i) {
    if (i == batch.size()) {
      writeNext();
      return;
    }
    Pending<T, R> pending = batch.get(i);
    run(List.of(pending)).onComplete(result -> {
      complete(pending, result);
      alone(batch, i + 1);
    });
  }

  private Future<Function<T, R>> run(List<Pending<T, R>> batch) {
    List<T> writes = new ArrayList<>(batch.size());
    batch.forEach(p -> writes.add(p.write()));
    try {
      return statement.apply(writes);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static <T, R> void complete(Pending<T, R> pending, AsyncResult<Function<T, R>> outcome) {
    if (Vertx.currentContext() == pending.context()) {
      settle(pending, outcome); // already on the caller's loop: no hop to wake it
    } else {
      pending.context().runOnContext(v -> settle(pending, outcome));
    }
  }

  private static <T, R> void settle(Pending<T, R> pending, AsyncResult<Function<T, R>> outcome) {
    if (outcome.succeeded()) {
      pending.done().complete(outcome.result().apply(pending.write()));
    } else {
      pending.done().fail(outcome.cause());
    }
  }
}
