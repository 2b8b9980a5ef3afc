package dev.arcpgateway.auth;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Hello;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The doorman in front of every {@code session.hello} and {@code session.resume}: holds attempts from an address
 * that keeps failing (see {@link LoginThrottle}) on a timer, never blocking the loop, and writes every refusal to
 * the audit log, once, without the credential. Owned by one session verticle and used on its event loop only.
 */
public final class LoginGuard {

  private final Vertx vertx;
  private final LoginThrottle throttle;

  public LoginGuard(Vertx vertx, LoginThrottle throttle) {
    this.vertx = vertx;
    this.throttle = throttle;
  }

  /** Completes when an attempt from {@code remote} may be verified; fails when it is refused unverified. */
  public Future<Void> admit(String remote) {
    long waitNanos = throttle.admit(remote);
    if (waitNanos == LoginThrottle.REFUSE) {
      return Future.failedFuture(Authenticator.refused(
          "too many failed logins from this address; try again later"));
    }
    if (waitNanos == 0) {
      return Future.succeededFuture();
    }
    return vertx.timer(waitNanos, TimeUnit.NANOSECONDS).mapEmpty();
  }

  /**
   * Logs the refusal of {@code hello} from {@code remote}; a failed authentication (UNAUTHENTICATED) also counts
   * against the address. The credentials the hello carried are kept out of the log line.
   */
  public void refused(String remote, ArcpException error, Hello hello) {
    refused(remote, error, hello.auth() != null && hello.auth().getValue("token") instanceof String token ? token : "",
        hello.resume() != null && hello.resume().token() != null ? hello.resume().token() : "");
  }

  /**
   * Logs a refused login from {@code remote} that presented {@code credentials} (an agent token on the bridge, a
   * bearer or resume token), keeping them out of the line; UNAUTHENTICATED also counts against the address.
   */
  public void refused(String remote, ArcpException error, String... credentials) {
    String reason = error.getMessage() == null ? "-" : error.getMessage();
    for (String credential : credentials) {
      if (credential != null && !credential.isEmpty()) {
        reason = reason.replace(credential, "<credential>"); // should an authenticator have quoted it
      }
    }
    Audit.loginRefused(remote, error.code().name(), reason);
    if (error.code() == ErrorCode.UNAUTHENTICATED && throttle.failed(remote)) {
      Audit.loginThrottled(remote);
    }
  }
}
