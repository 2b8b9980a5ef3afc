package dev.arcpgateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bearer JWTs as session credentials (§6.1): HS256, RS256 or ES256, verified with a shared secret, a PEM
 * public key, or a JWKS (file or URL); issuer and audience checked when configured; {@code sub} names the
 * principal and {@code scope} (space-separated or an array) lists its scopes.
 *
 * <p>Settings ({@code jwt} in the gateway options): {@code algorithm}, one of {@code secret},
 * {@code public_key_file}, {@code jwks_file}, {@code jwks_url}, and optional {@code issuer}, {@code audience},
 * {@code leeway_sec}.
 */
public final class JwtAuthenticator implements Authenticator {

  private final JWTAuth jwt;

  private JwtAuthenticator(JWTAuth jwt) {
    this.jwt = jwt;
  }

  /** Builds the verifier; key files are read on a worker thread, a JWKS URL is fetched once, here. */
  public static Future<JwtAuthenticator> create(Vertx vertx, JsonObject settings) {
    if (settings.getString("jwks_url") != null) {
      return build(vertx, settings);
    }
    return vertx.executeBlocking(() -> build(vertx, settings)).compose(built -> built);
  }

  private static Future<JwtAuthenticator> build(Vertx vertx, JsonObject settings) {
    JWTOptions checks = new JWTOptions().setLeeway(settings.getInteger("leeway_sec", 5));
    if (settings.getString("issuer") != null) {
      checks.setIssuer(settings.getString("issuer"));
    }
    if (settings.getString("audience") != null) {
      checks.setAudience(List.of(settings.getString("audience")));
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks);
    String algorithm = settings.getString("algorithm", "RS256");
    try {
      if (settings.getString("secret") != null) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(settings.getString("secret")));
      } else if (settings.getString("public_key_file") != null) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm)
            .setBuffer(Files.readString(Path.of(settings.getString("public_key_file")))));
      } else if (settings.getString("jwks_file") != null) {
        addJwks(options, new JsonObject(Files.readString(Path.of(settings.getString("jwks_file")))));
      } else if (settings.getString("jwks_url") != null) {
        return fetchJwks(vertx, settings.getString("jwks_url"))
            .map(jwks -> new JwtAuthenticator(JWTAuth.create(vertx, addJwks(options, jwks))));
      } else {
        return Future.failedFuture(new IllegalArgumentException(
            "jwt needs one of secret, public_key_file, jwks_file or jwks_url"));
      }
    } catch (java.io.IOException e) {
      return Future.failedFuture(e);
    }
    return Future.succeededFuture(new JwtAuthenticator(JWTAuth.create(vertx, options)));
  }

  private static JWTAuthOptions addJwks(JWTAuthOptions options, JsonObject jwks) {
    JsonArray keys = jwks.getJsonArray("keys", new JsonArray());
    keys.forEach(key -> options.addJwk((JsonObject) key));
    return options;
  }

  private static Future<JsonObject> fetchJwks(Vertx vertx, String url) {
    URI uri = URI.create(url);
    HttpClientAgent client = vertx.createHttpClient();
    boolean ssl = "https".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    return client.request(new io.vertx.core.http.RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
            .setPort(port).setSsl(ssl).setURI(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/"
                : uri.getRawPath()))
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200 ? response.body()
            : Future.failedFuture("JWKS " + url + " answered " + response.statusCode()))
        .map(body -> body.toJsonObject())
        .eventually(() -> client.close());
  }

  @Override
  public Future<Principal> authenticate(Credentials credentials) {
    if (!credentials.isBearer() || credentials.token() == null || credentials.token().chars().filter(c -> c == '.')
        .count() != 2) {
      return Future.failedFuture(Authenticator.refused("not a bearer JWT"));
    }
    return jwt.authenticate(new TokenCredentials(credentials.token()))
        .recover(e -> Future.failedFuture(Authenticator.refused("JWT refused: " + e.getMessage())))
        .compose(user -> {
          JsonObject decoded = user.attributes().getJsonObject("accessToken");
          JsonObject claims = decoded != null ? decoded : user.principal();
          String subject = claims.getString("sub");
          if (subject == null || subject.isEmpty()) {
            return Future.failedFuture(Authenticator.refused("JWT has no sub"));
          }
          return Future.succeededFuture(new Principal(subject, scopes(claims.getValue("scope"))));
        });
  }

  private static Set<String> scopes(Object scope) {
    Set<String> scopes = new HashSet<>();
    if (scope instanceof String text) {
      for (String s : text.trim().split("\\s+")) {
        if (!s.isEmpty()) {
          scopes.add(s);
        }
      }
    } else if (scope instanceof JsonArray array) {
      array.forEach(s -> scopes.add(String.valueOf(s)));
    }
    return scopes;
  }
}
