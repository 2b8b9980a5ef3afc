package dev.arcpgateway.protocol;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Vendor extensions (§15): {@code x-*} keys at the top level of a payload, or keys of its {@code extensions}
 * object. The gateway passes both through untouched; this is how to read them.
 */
public final class Extensions {

  private Extensions() {
  }

  /**
   * The value of extension {@code key} in {@code payload}: the top-level {@code x-*} key when present, else
   * the key inside {@code payload.extensions}.
   */
  public static Optional<Object> get(JsonObject payload, String key) {
    if (payload == null || key == null) {
      return Optional.empty();
    }
    if (isExtensionKey(key) && payload.containsKey(key)) {
      return Optional.ofNullable(payload.getValue(key));
    }
    Object extensions = payload.getValue("extensions");
    if (extensions instanceof JsonObject ext && ext.containsKey(key)) {
      return Optional.ofNullable(ext.getValue(key));
    }
    return Optional.empty();
  }

  /** True for keys the gateway treats as vendor extensions: {@code x-} prefixed. */
  public static boolean isExtensionKey(String key) {
    return key != null && key.startsWith("x-");
  }

  /** The extension entries of {@code payload} ({@code x-*} keys and the {@code extensions} object), copied. */
  public static JsonObject collect(JsonObject payload) {
    JsonObject out = new JsonObject();
    for (String key : payload.fieldNames()) {
      if (isExtensionKey(key) || "extensions".equals(key)) {
        out.put(key, payload.getValue(key));
      }
    }
    return out;
  }
}
