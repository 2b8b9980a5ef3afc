package dev.arcpgateway.agent.bridge;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.auth.Credentials;
import dev.arcpgateway.auth.JwtAuthenticator;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Secrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Checks an agent process's credential: a static agent token (naming the agents it may announce) or a JWT whose
 * {@code sub} is the identity and whose scopes {@code agent:<name>} (or {@code agent:*}) name the agents. Each
 * static token, and each JWT subject, is an owner of its own: agent names one owner serves are closed to others.
 */
final class AgentAuthenticator {

  private static final System.Logger LOG = System.getLogger(AgentAuthenticator.class.getName());

  private final Map<String, BridgeConnection.AgentIdentity> byTokenHash = new HashMap<>();
  private final JwtAuthenticator jwt;

  private AgentAuthenticator(BridgeSettings settings, JwtAuthenticator jwt) {
    for (int i = 0; i < settings.tokens().size(); i++) {
      BridgeSettings.AgentToken token = settings.tokens().get(i);
      if (token.grantsAnyName()) {
        LOG.log(System.Logger.Level.INFO, "agent token ''{0}'' may announce any agent name no other agent serves",
            token.identity());
      }
      byTokenHash.put(Secrets.hash(token.token()), new BridgeConnection.AgentIdentity(token.identity(),
          Set.copyOf(token.agents()), "token#" + i + ":" + token.identity(), token.observeLifecycle()));
      if (token.observeLifecycle()) {
        LOG.log(System.Logger.Level.INFO, "agent token ''{0}'' may observe every job''s lifecycle on {1}",
            token.identity(), Addresses.LIFECYCLE);
      }
    }
    this.jwt = jwt;
  }

  static Future<AgentAuthenticator> create(Vertx vertx, BridgeSettings settings) {
    if (settings.jwt().isEmpty()) {
      return Future.succeededFuture(new AgentAuthenticator(settings, null));
    }
    return JwtAuthenticator.create(vertx, settings.jwt(), "the agent bridge")
        .map(jwt -> new AgentAuthenticator(settings, jwt));
  }

  /** The identity behind {@code Authorization: Bearer <token>}, or UNAUTHENTICATED. */
  Future<BridgeConnection.AgentIdentity> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(refused("the first frame must carry headers.authorization: Bearer <agent token>"));
    }
    String token = authorization.substring(7).trim();
    BridgeConnection.AgentIdentity identity = byTokenHash.get(Secrets.hash(token));
    if (identity != null) {
      return Future.succeededFuture(identity);
    }
    if (jwt == null) {
      return Future.failedFuture(refused("unknown agent token"));
    }
    return jwt.authenticate(new Credentials("bearer", token, null)).map(principal -> {
      Set<String> agents = new HashSet<>();
      principal.scopes().stream().filter(s -> s.startsWith("agent:")).forEach(s -> agents.add(s.substring(6)));
      return new BridgeConnection.AgentIdentity(principal.name(), agents, "jwt:" + principal.name(),
          principal.scopes().contains(LIFECYCLE_SCOPE));
    }).recover(e -> Future.failedFuture(refused("agent token refused")));
  }

  /** The JWT scope that lets an agent token observe {@code arcp.lifecycle}, as {@code observe_lifecycle} does. */
  static final String LIFECYCLE_SCOPE = "observe:lifecycle";

  private static ArcpException refused(String message) {
    return new ArcpException(ErrorCode.UNAUTHENTICATED, message);
  }
}
