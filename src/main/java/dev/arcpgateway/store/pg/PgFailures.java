package dev.arcpgateway.store.pg;

import io.vertx.pgclient.PgException;

/** Reading the pg-client's failures: did the server answer (a refused statement), and what to tell an operator. */
final class PgFailures {

  private PgFailures() {
  }

  /** True when PostgreSQL itself answered with an error (the database is there; the statement was refused). */
  static boolean answered(Throwable failure) {
    return failure instanceof PgException;
  }

  /** The SQLSTATE of a server's answer, or null. */
  static String state(Throwable failure) {
    return failure instanceof PgException pg ? pg.getSqlState() : null;
  }

  /** One line for an operator, without a stack trace. */
  static String describe(Throwable failure) {
    if (failure instanceof PgException pg) {
      return pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")";
    }
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }
}
