package dev.arcpgateway.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * JSON with object keys sorted and numbers in one spelling, so that two equal values always encode to the same
 * text (used to fingerprint submissions for idempotency).
 */
public final class CanonicalJson {

  private CanonicalJson() {
  }

  public static String encode(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value instanceof JsonObject object) {
      List<String> keys = new ArrayList<>(object.fieldNames());
      Collections.sort(keys);
      out.append('{');
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(io.vertx.core.json.Json.encode(keys.get(i))).append(':');
        write(out, object.getValue(keys.get(i)));
      }
      out.append('}');
    } else if (value instanceof JsonArray array) {
      out.append('[');
      for (int i = 0; i < array.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, array.getValue(i));
      }
      out.append(']');
    } else if (value instanceof Number number && !(value instanceof BigDecimal)) {
      out.append(new BigDecimal(number.toString()).stripTrailingZeros().toPlainString());
    } else if (value instanceof BigDecimal decimal) {
      out.append(decimal.stripTrailingZeros().toPlainString());
    } else {
      out.append(io.vertx.core.json.Json.encode(value));
    }
  }
}
