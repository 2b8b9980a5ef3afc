package dev.arcpgateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bearer JWTs as session credentials (§6.1): HS*, RS*, PS* or ES*, verified with a shared secret, a PEM public
 * key, or a JWKS (file or URL); issuer and audience checked when configured; {@code sub} names the principal and
 * {@code scope} (space-separated or an array) lists its scopes.
 *
 * <p>Settings ({@code jwt} in the gateway options): {@code algorithm} (or an {@code algorithms} array), one of
 * {@code secret}, {@code public_key_file}, {@code jwks_file}, {@code jwks_url}, and optional {@code issuer},
 * {@code audience}, {@code leeway_sec}. A token is verified only if its header names an accepted algorithm;
 * unsigned tokens never are. Settings that yield no usable key fail {@link #create} (see {@link JwtKeys}).
 */
public final class JwtAuthenticator implements Authenticator {

  private static final System.Logger LOG = System.getLogger(JwtAuthenticator.class.getName());
  /** How long fetching the JWKS at startup may take. */
  private static final long JWKS_TIMEOUT_MS = 10_000;

  private final JWTAuth jwt;
  private final Set<String> algorithms;

  private JwtAuthenticator(JWTAuth jwt, Set<String> algorithms) {
    this.jwt = jwt;
    this.algorithms = Set.copyOf(algorithms);
  }

  /** The verifier for session credentials; see {@link #create(Vertx, JsonObject, String)}. */
  public static Future<JwtAuthenticator> create(Vertx vertx, JsonObject settings) {
    return create(vertx, settings, "sessions");
  }

  /**
   * Builds the verifier; key files are read on a worker thread, a JWKS URL is fetched once, here. Fails when the
   * settings yield no usable verification key. Logs the keys and algorithms in force, naming {@code use}.
   */
  public static Future<JwtAuthenticator> create(Vertx vertx, JsonObject settings, String use) {
    Future<JwtKeys> keys = settings.getString("jwks_url") != null
        ? fetchJwks(vertx, settings.getString("jwks_url")).map(jwks -> JwtKeys.jwks(
            JwtKeys.algorithms(settings, Set.of()), jwks))
        : vertx.executeBlocking(() -> keys(settings));
    String source = source(settings);
    return keys.compose(found -> {
      found.ignored().forEach(reason -> LOG.log(System.Logger.Level.WARNING,
          "JWT for {0}: {1}: not used: {2}", use, source, reason));
      if (found.usable().isEmpty()) {
        return Future.failedFuture(new IllegalArgumentException("JWT for " + use + ": " + source
            + " yields no usable verification key" + (found.ignored().isEmpty() ? "" : " " + found.ignored())
            + "; refusing to start rather than accept unsigned tokens"));
      }
      return verifier(vertx, settings, found, source).onSuccess(verifier -> LOG.log(System.Logger.Level.INFO,
          "JWT for {0}: algorithms {1}, keys {2}, from {3}", use, found.algorithms(),
          found.usable().stream().map(JwtKeys.Key::describe).toList(), source));
    });
  }

  /** Where the keys come from, for logs and errors (never a secret). */
  private static String source(JsonObject settings) {
    for (String key : List.of("public_key_file", "jwks_file", "jwks_url")) {
      if (settings.getString(key) != null) {
        return "jwt." + key + " " + settings.getString(key);
      }
    }
    return settings.getString("secret") != null ? "jwt.secret" : "jwt";
  }

  /** The keys of a secret, a PEM file or a JWKS file (blocking: reads files). */
  private static JwtKeys keys(JsonObject settings) throws java.io.IOException {
    if (settings.getString("secret") != null) {
      return JwtKeys.pubSec(JwtKeys.algorithms(settings, Set.of("RS256")), settings.getString("secret"), "secret");
    }
    if (settings.getString("public_key_file") != null) {
      return JwtKeys.pubSec(JwtKeys.algorithms(settings, Set.of("RS256")),
          Files.readString(Path.of(settings.getString("public_key_file"))), "public key");
    }
    if (settings.getString("jwks_file") != null) {
      return JwtKeys.jwks(JwtKeys.algorithms(settings, Set.of()),
          new JsonObject(Files.readString(Path.of(settings.getString("jwks_file")))));
    }
    throw new IllegalArgumentException("jwt needs one of secret, public_key_file, jwks_file or jwks_url");
  }

  private static Future<JwtAuthenticator> verifier(Vertx vertx, JsonObject settings, JwtKeys keys, String source) {
    JWTOptions checks = new JWTOptions().setLeeway(settings.getInteger("leeway_sec", 5));
    if (settings.getString("issuer") != null) {
      checks.setIssuer(settings.getString("issuer"));
    }
    if (settings.getString("audience") != null) {
      checks.setAudience(List.of(settings.getString("audience")));
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(checks);
    keys.usable().forEach(key -> key.addTo(options));
    JWTAuth jwt;
    try {
      jwt = JWTAuth.create(vertx, options);
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException(source + " is not a usable key for "
          + keys.algorithms() + ": " + e.getMessage(), e));
    }
    // Vert.x verifies nothing when it loaded no key: that it refuses an unsigned token proves it loaded one
    return jwt.authenticate(new TokenCredentials(unsignedProbe(settings))).transform(probe -> probe.succeeded()
        ? Future.failedFuture(new IllegalArgumentException(source + " yields no key Vert.x can verify with"))
        : Future.succeededFuture(new JwtAuthenticator(jwt, keys.algorithms())));
  }

  /** An unsigned token that passes every claim check, so only a missing signature can fail it. */
  private static String unsignedProbe(JsonObject settings) {
    JsonObject claims = new JsonObject().put("sub", "probe").put("exp", System.currentTimeMillis() / 1000 + 300);
    if (settings.getString("issuer") != null) {
      claims.put("iss", settings.getString("issuer"));
    }
    if (settings.getString("audience") != null) {
      claims.put("aud", settings.getString("audience"));
    }
    Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
    return base64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + base64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  private static Future<JsonObject> fetchJwks(Vertx vertx, String url) {
    URI uri = URI.create(url);
    HttpClientAgent client = vertx.createHttpClient();
    boolean ssl = "https".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    return client.request(new io.vertx.core.http.RequestOptions().setMethod(HttpMethod.GET).setHost(uri.getHost())
            .setPort(port).setSsl(ssl).setURI(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/"
                : uri.getRawPath())
            .setTimeout(JWKS_TIMEOUT_MS)) // a response that never comes fails the start instead of hanging it
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
    String refusal = headerRefusal(credentials.token());
    if (refusal != null) {
      return Future.failedFuture(Authenticator.refused(refusal));
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

  /**
   * Why the token is refused before any key is tried: it is unsigned, or its header does not name one of the
   * accepted algorithms exactly; null when it may be verified.
   */
  private String headerRefusal(String token) {
    int firstDot = token.indexOf('.');
    if (token.endsWith(".")) {
      return "JWT is not signed";
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, firstDot)),
          StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return "JWT header is not base64url JSON";
    }
    return header.getValue("alg") instanceof String alg && algorithms.contains(alg) ? null
        : "JWT alg must be one of " + algorithms;
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
