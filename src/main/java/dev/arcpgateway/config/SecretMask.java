package dev.arcpgateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Masks secrets in configuration shown to people ({@code serve --print-config}): the value of every key that
 * names a secret (tokens, secrets, passwords, keys given inline, exporter headers), at any depth, and the
 * password of every {@code scheme://user:password@host} URI.
 */
public final class SecretMask {

  public static final String MASK = "****";

  private static final Set<String> SECRET_KEYS = Set.of("token", "secret", "password", "headers", "private_key",
      "client_secret", "api_key");
  private static final Pattern URI_PASSWORD = Pattern.compile("(\\w[\\w+.-]*://[^/:@\\s]*:)[^@/\\s]+@");

  private SecretMask() {
  }

  /** A copy of {@code json} with its secrets masked. */
  public static JsonObject mask(JsonObject json) {
    JsonObject out = new JsonObject();
    json.forEach(entry -> out.put(entry.getKey(), isSecret(entry.getKey()) && entry.getValue() != null ? MASK
        : maskValue(entry.getValue())));
    return out;
  }

  private static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_KEYS.contains(lower) || lower.endsWith("_token") || lower.endsWith("_secret")
        || lower.endsWith("_password");
  }

  private static Object maskValue(Object value) {
    if (value instanceof JsonObject object) {
      return mask(object);
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(item -> out.add(maskValue(item)));
      return out;
    }
    if (value instanceof String text) {
      return URI_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
    }
    return value;
  }
}
