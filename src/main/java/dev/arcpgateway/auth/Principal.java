package dev.arcpgateway.auth;

import java.util.Set;

/**
 * An authenticated identity: jobs, subscriptions and listings are scoped by {@link #name()}.
 *
 * @param name            the principal name
 * @param scopes          scopes granted by the credential (empty for static tokens)
 * @param delegationToken when the session was authenticated by a delegation token (§10), that token: every job
 *                        the session submits runs under its lease; else null
 */
public record Principal(String name, Set<String> scopes, String delegationToken) {

  public Principal {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a principal needs a name");
    }
    scopes = Set.copyOf(scopes);
  }

  public Principal(String name, Set<String> scopes) {
    this(name, scopes, null);
  }

  public static Principal of(String name) {
    return new Principal(name, Set.of(), null);
  }
}
