package dev.arcpgateway.agent.bridge;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Set;

/**
 * Checks one bridge frame body without building it: a single JSON object whose {@code type} is one the bridge
 * handles, with a string {@code address} unless it is a {@code ping}. A streaming pass (Jackson, which Vert.x
 * already carries) keeps the guard cheap, as every agent event crosses it.
 */
final class FrameCheck {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Set<String> TYPES = Set.of("ping", "register", "unregister", "send", "publish");

  private FrameCheck() {
  }

  /** Null when the frame may pass, else why not. */
  static String problem(byte[] body) {
    String type = null;
    boolean address = false;
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return "malformed frame: not a JSON object";
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("type".equals(field)) {
          type = value == JsonToken.VALUE_STRING ? parser.getText() : "";
        } else if ("address".equals(field)) {
          address = value == JsonToken.VALUE_STRING;
        }
        parser.skipChildren();
      }
      if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
        return "malformed frame: not a single JSON object";
      }
    } catch (IOException | RuntimeException e) {
      return "malformed frame: not JSON";
    }
    if (type == null || !TYPES.contains(type)) {
      return "unknown frame type " + type;
    }
    if (!type.equals("ping") && !address) {
      return "a " + type + " frame needs an address";
    }
    return null;
  }
}
