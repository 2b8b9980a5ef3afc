package dev.arcpgateway.auth;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Secrets;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/** Bearer tokens configured up front ({@code --token NAME:TOKEN}), each naming one principal. */
public final class StaticTokenAuthenticator implements Authenticator {

  /** Keyed by the token's hash so that a lookup does not compare secrets character by character. */
  private final Map<String, Principal> byTokenHash = new HashMap<>();

  /** @param tokens token → principal name */
  public StaticTokenAuthenticator(Map<String, String> tokens) {
    tokens.forEach((token, principal) -> byTokenHash.put(Secrets.hash(token), Principal.of(principal)));
  }

  @Override
  public Future<Principal> authenticate(Credentials credentials) {
    if (!credentials.isBearer()) {
      return Future.failedFuture(credentials.scheme() == null
          ? Authenticator.refused("auth.scheme is required; this runtime accepts bearer")
          : ArcpException.invalid("auth scheme " + credentials.scheme() + " is not supported; use bearer"));
    }
    if (credentials.token() == null || credentials.token().isEmpty()) {
      return Future.failedFuture(Authenticator.refused("a bearer token is required"));
    }
    Principal principal = byTokenHash.get(Secrets.hash(credentials.token()));
    return principal == null
        ? Future.failedFuture(Authenticator.refused("unknown bearer token"))
        : Future.succeededFuture(principal);
  }
}
