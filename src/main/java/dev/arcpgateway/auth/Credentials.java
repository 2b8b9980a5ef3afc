package dev.arcpgateway.auth;

import io.vertx.core.json.JsonObject;

/**
 * The {@code auth} block of a {@code session.hello}.
 *
 * @param scheme the scheme as sent ({@code bearer} in the spec; the Java SDK also sends {@code anonymous})
 * @param token  the bearer token, or null
 * @param raw    the whole {@code auth} object, for authenticators that need more
 */
public record Credentials(String scheme, String token, JsonObject raw) {

  public boolean isBearer() {
    return "bearer".equalsIgnoreCase(scheme);
  }
}
