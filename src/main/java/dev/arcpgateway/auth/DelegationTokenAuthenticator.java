package dev.arcpgateway.auth;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A session authenticated by a delegation token (§10): the principal is the token's, and every job the session
 * submits runs under the token's lease. The lease verticle, which holds the signing key, verifies the token.
 */
public final class DelegationTokenAuthenticator implements Authenticator {

  private final Vertx vertx;

  public DelegationTokenAuthenticator(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Principal> authenticate(Credentials credentials) {
    String token = credentials.token();
    if (!credentials.isBearer() || token == null || token.chars().filter(c -> c == '.').count() != 2) {
      return Future.failedFuture(Authenticator.refused("not a delegation token"));
    }
    return vertx.eventBus().<JsonObject>request(Addresses.LEASE, new JsonObject().put("op", "verify")
            .put("delegation_token", token), Bus.LOCAL)
        .map(reply -> new Principal(reply.body().getString("principal"), Set.of(), token))
        .recover(e -> Future.failedFuture(Authenticator.refused("delegation token refused")));
  }
}
