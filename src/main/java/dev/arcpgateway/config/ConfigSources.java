package dev.arcpgateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The effective configuration from its three sources over the defaults, with the precedence flag > environment >
 * file > default: the config file (checked against {@link SettingsTable}: an unknown key or a value of the wrong
 * kind is refused naming the key and the file), the {@code ARCP_*} environment variables, and the command line
 * (its own flags and {@code --set KEY=VALUE}). Every refusal is an {@link InvalidConfigException}: one line.
 */
public final class ConfigSources {

  private final JsonObject merged;

  private ConfigSources(JsonObject merged) {
    this.merged = merged;
  }

  /**
   * Layers {@code env} (variables named in the table) and then {@code flags} (dotted key → value of the
   * setting's kind) over the config {@code file} (null: none).
   */
  public static ConfigSources load(Path file, Map<String, String> env, Map<String, Object> flags) {
    JsonObject merged = file == null ? new JsonObject() : readFile(file);
    for (Setting setting : SettingsTable.ALL) {
      String text = env.get(setting.envVar());
      if (text != null) {
        put(merged, setting, parse(setting, text, setting.envVar()));
      }
    }
    flags.forEach((key, value) -> put(merged, setting(key, "the command line"), value));
    return new ConfigSources(merged);
  }

  /** {@code KEY=VALUE} (as {@code --set} takes it) → the key and its parsed value, added to {@code into}. */
  public static void parseAssignment(String assignment, Map<String, Object> into) {
    int equals = assignment.indexOf('=');
    if (equals <= 0) {
      throw new InvalidConfigException("--set takes KEY=VALUE, got " + assignment);
    }
    Setting setting = setting(assignment.substring(0, equals), "--set");
    into.put(setting.key(), parse(setting, assignment.substring(equals + 1), "--set " + setting.key()));
  }

  /** The merged settings, shaped like the config file. */
  public JsonObject json() {
    return merged.copy();
  }

  /** The gateway options they make; a setting that cannot work is refused naming it. */
  public GatewayOptions options() {
    try {
      return new GatewayOptions(merged);
    } catch (InvalidConfigException e) {
      throw e;
    } catch (IllegalArgumentException | ClassCastException unusable) {
      throw new InvalidConfigException(unusable.getMessage());
    }
  }

  private static Setting setting(String key, String where) {
    return SettingsTable.find(key)
        .orElseThrow(() -> new InvalidConfigException(where + ": unknown setting '" + key + "'"));
  }

  private static Object parse(Setting setting, String text, String where) {
    try {
      return setting.kind().parse(text);
    } catch (IllegalArgumentException refused) {
      throw new InvalidConfigException(where + ": " + setting.key() + " " + refused.getMessage() + ", got '"
          + text + "'");
    }
  }

  private static JsonObject readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException missing) {
      throw new InvalidConfigException("config file " + file + " does not exist");
    } catch (IOException unreadable) {
      throw new InvalidConfigException("config file " + file + " cannot be read: " + unreadable.getMessage());
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException notJson) {
      throw new InvalidConfigException("config file " + file + " is not a JSON object: "
          + firstLine(notJson.getMessage()));
    }
    check(json, "", file);
    return json;
  }

  /** Every key of {@code section} must be a setting of the right kind or a section holding settings. */
  private static void check(JsonObject section, String prefix, Path file) {
    for (Map.Entry<String, Object> entry : section) {
      String key = prefix + entry.getKey();
      Object value = entry.getValue();
      var setting = SettingsTable.find(key);
      if (setting.isPresent()) {
        if (value != null && !setting.get().kind().accepts(value)) {
          throw new InvalidConfigException("config file " + file + ": " + key + " must be "
              + setting.get().kind().described() + ", got " + (value instanceof String ? "\"" + value + "\"" : value));
        }
      } else if (SettingsTable.isSection(key)) {
        if (!(value instanceof JsonObject inner)) {
          throw new InvalidConfigException("config file " + file + ": " + key + " must be a JSON object");
        }
        check(inner, key + ".", file);
      } else {
        throw new InvalidConfigException("config file " + file + ": unknown key '" + key + "'");
      }
    }
  }

  private static void put(JsonObject root, Setting setting, Object value) {
    String[] path = setting.path();
    JsonObject section = root;
    for (int i = 0; i < path.length - 1; i++) {
      JsonObject inner = section.getValue(path[i]) instanceof JsonObject object ? object : new JsonObject();
      section.put(path[i], inner);
      section = inner;
    }
    section.put(path[path.length - 1], value);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
