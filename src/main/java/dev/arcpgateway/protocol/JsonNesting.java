package dev.arcpgateway.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How deep JSON may nest (§14 limits). The JSON encoder refuses to write values nested about a thousand levels
 * deep, and a frame it cannot write is lost, so nesting is bounded well below that: client frames at
 * {@link #MAX_INPUT_DEPTH} (deeper ones are refused), agent output at {@link #MAX_OUTPUT_DEPTH} (deeper output
 * ends its job), which leaves an agent room to wrap an input in a few levels of its own.
 */
public final class JsonNesting {

  /** Levels of objects and arrays a client frame may nest, the frame itself counted. */
  public static final int MAX_INPUT_DEPTH = 64;
  /** Levels of objects and arrays a frame carrying agent output may nest, the frame itself counted. */
  public static final int MAX_OUTPUT_DEPTH = 2 * MAX_INPUT_DEPTH;

  private JsonNesting() {
  }

  /**
   * True when {@code value} nests at most {@code maxDepth} levels of objects and arrays and holds only values the
   * JSON encoder writes.
   */
  public static boolean writable(Object value, int maxDepth) {
    if (value instanceof JsonObject object) {
      return writableValues(object.getMap().values(), maxDepth);
    }
    if (value instanceof Map<?, ?> map) {
      return writableValues(map.values(), maxDepth);
    }
    if (value instanceof JsonArray array) {
      return writableValues(array.getList(), maxDepth);
    }
    if (value instanceof List<?> list) {
      return writableValues(list, maxDepth);
    }
    return value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean
        || value instanceof Enum<?> || value instanceof Instant || value instanceof byte[] || value instanceof Buffer;
  }

  private static boolean writableValues(Iterable<?> values, int maxDepth) {
    if (maxDepth < 1) {
      return false;
    }
    for (Object item : values) {
      if (!writable(item, maxDepth - 1)) {
        return false;
      }
    }
    return true;
  }
}
