package dev.arcpgateway.auth;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import java.util.List;

/**
 * Decides who is behind a {@code session.hello} (§6.1). Implementations must not block: return a future.
 *
 * <p>A custom verifier is a lambda:
 * <pre>{@code
 * Authenticator auth = credentials -> "s3cret".equals(credentials.token())
 *     ? Future.succeededFuture(Principal.of("alice"))
 *     : Future.failedFuture(Authenticator.refused("unknown token"));
 * }</pre>
 */
@FunctionalInterface
public interface Authenticator {

  /**
   * Verifies {@code credentials}. Fail with an {@link ArcpException} — UNAUTHENTICATED for bad credentials,
   * INVALID_REQUEST for an unsupported scheme — to refuse; any other failure is reported as UNAUTHENTICATED.
   */
  Future<Principal> authenticate(Credentials credentials);

  /** The UNAUTHENTICATED error to fail with. */
  static ArcpException refused(String message) {
    return new ArcpException(ErrorCode.UNAUTHENTICATED, message);
  }

  /**
   * Tries each authenticator in order and takes the first that accepts; when all refuse, the first refusal is
   * reported.
   */
  static Authenticator firstOf(List<Authenticator> authenticators) {
    if (authenticators.isEmpty()) {
      return credentials -> Future.failedFuture(refused("no authenticator is configured"));
    }
    return credentials -> attempt(authenticators, 0, credentials, null);
  }

  private static Future<Principal> attempt(List<Authenticator> chain, int index, Credentials credentials,
                                           Throwable firstFailure) {
    if (index == chain.size()) {
      return Future.failedFuture(firstFailure);
    }
    return chain.get(index).authenticate(credentials).recover(failure ->
        attempt(chain, index + 1, credentials, firstFailure == null ? failure : firstFailure));
  }
}
