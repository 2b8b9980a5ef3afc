package dev.arcpgateway.auth;

import java.util.Set;

/**
 * An authenticated identity: jobs, subscriptions and listings are scoped by {@link #name()}.
 *
 * @param name   the principal name
 * @param scopes scopes granted by the credential (empty for static tokens)
 */
public record Principal(String name, Set<String> scopes) {

  public Principal {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a principal needs a name");
    }
    scopes = Set.copyOf(scopes);
  }

  public static Principal of(String name) {
    return new Principal(name, Set.of());
  }
}
