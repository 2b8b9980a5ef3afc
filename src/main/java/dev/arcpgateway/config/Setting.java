package dev.arcpgateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Locale;

/**
 * One setting of the gateway: its dotted key in the config file ({@code limits.request_timeout_ms} is
 * {@code {"limits": {"request_timeout_ms": …}}}), its kind, and the environment variable that sets it. The naming
 * rule: {@code ARCP_} followed by the key in upper case with dots as underscores
 * ({@code ARCP_LIMITS_REQUEST_TIMEOUT_MS}); a setting may name a shorter variable instead ({@link #env(String)}).
 *
 * @param key    dotted path in the config file
 * @param kind   what values it takes
 * @param envVar the environment variable that sets it
 */
public record Setting(String key, Kind kind, String envVar) {

  /** A setting named by the rule. */
  public static Setting of(String key, Kind kind) {
    return new Setting(key, kind, "ARCP_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
  }

  /** The same setting, set by {@code variable} instead of the rule's name. */
  public Setting env(String variable) {
    return new Setting(key, kind, variable);
  }

  /** The key's path segments. */
  String[] path() {
    return key.split("\\.");
  }

  /** What values a setting takes, how the config file spells them and how text (a variable, {@code --set}) does. */
  public enum Kind {
    STRING("a string"),
    INT("an integer"),
    LONG("an integer"),
    BOOL("true or false"),
    /** Text: comma-separated, or a JSON array. */
    STRINGS("a list of strings"),
    /** Text: a JSON object. */
    OBJECT("a JSON object"),
    /** Text: a JSON array. */
    ARRAY("a JSON array"),
    /** In the file a JSON array of {@code NAME:TOKEN} strings or objects; text: comma-separated {@code NAME:TOKEN}. */
    TOKENS("a list of NAME:TOKEN");

    private final String described;

    Kind(String described) {
      this.described = described;
    }

    /** How the refusal names what was expected. */
    public String described() {
      return described;
    }

    /** Whether a value read from the config file is of this kind. */
    boolean accepts(Object value) {
      return switch (this) {
        case STRING -> value instanceof String;
        case INT -> (value instanceof Integer)
            || (value instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE);
        case LONG -> value instanceof Integer || value instanceof Long;
        case BOOL -> value instanceof Boolean;
        case STRINGS -> value instanceof JsonArray array && array.stream().allMatch(v -> v instanceof String);
        case OBJECT -> value instanceof JsonObject;
        case ARRAY, TOKENS -> value instanceof JsonArray;
      };
    }

    /** The value {@code text} stands for, or {@link IllegalArgumentException} saying what was expected. */
    Object parse(String text) {
      String trimmed = text.strip();
      try {
        Object value = switch (this) {
          case STRING -> text;
          case INT -> Integer.parseInt(trimmed);
          case LONG -> Long.parseLong(trimmed);
          case BOOL -> switch (trimmed.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> null;
          };
          case STRINGS, TOKENS -> trimmed.startsWith("[") ? new JsonArray(trimmed) : new JsonArray(Arrays.stream(
              trimmed.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(s -> (Object) s).toList());
          case OBJECT -> new JsonObject(trimmed);
          case ARRAY -> new JsonArray(trimmed);
        };
        if (value != null && accepts(value)) {
          return value;
        }
      } catch (NumberFormatException | DecodeException | ClassCastException unparsable) {
        // refused below, naming what was expected
      }
      throw new IllegalArgumentException("must be " + described);
    }
  }
}
