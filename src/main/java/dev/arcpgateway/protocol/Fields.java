package dev.arcpgateway.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of payload fields that turn every wrong type or missing field into an INVALID_REQUEST naming the
 * field, so that validation code reads as a list of rules.
 */
public final class Fields {

  private Fields() {
  }

  public static String string(JsonObject obj, String field) {
    String value = optString(obj, field);
    if (value == null || value.isEmpty()) {
      throw ArcpException.invalid(field + " is required");
    }
    return value;
  }

  /** The string, or null when absent or JSON null. */
  public static String optString(JsonObject obj, String field) {
    Object value = obj.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    throw ArcpException.invalid(field + " must be a string");
  }

  /** An integral number, or null when absent. Fractions, strings and out-of-range numbers are refused. */
  public static Long optLong(JsonObject obj, String field) {
    Object value = obj.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger) {
      throw ArcpException.invalid(field + " is out of range");
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) < 9.0e15) {
      return n.longValue();
    }
    throw ArcpException.invalid(field + " must be an integer");
  }

  public static long optLong(JsonObject obj, String field, long fallback) {
    Long value = optLong(obj, field);
    return value == null ? fallback : value;
  }

  /** Any JSON number, or null when absent. */
  public static BigDecimal optNumber(JsonObject obj, String field) {
    Object value = obj.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw ArcpException.invalid(field + " must be a finite number");
      }
      return BigDecimal.valueOf(d);
    }
    if (value instanceof Number n) {
      return new BigDecimal(n.toString());
    }
    throw ArcpException.invalid(field + " must be a number");
  }

  public static Boolean optBoolean(JsonObject obj, String field) {
    Object value = obj.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw ArcpException.invalid(field + " must be a boolean");
  }

  public static boolean optBoolean(JsonObject obj, String field, boolean fallback) {
    Boolean value = optBoolean(obj, field);
    return value == null ? fallback : value;
  }

  public static JsonObject optObject(JsonObject obj, String field) {
    Object value = obj.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject o) {
      return o;
    }
    throw ArcpException.invalid(field + " must be an object");
  }

  public static JsonObject object(JsonObject obj, String field) {
    JsonObject value = optObject(obj, field);
    if (value == null) {
      throw ArcpException.invalid(field + " is required");
    }
    return value;
  }

  public static JsonArray optArray(JsonObject obj, String field) {
    Object value = obj.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonArray a) {
      return a;
    }
    throw ArcpException.invalid(field + " must be an array");
  }

  /** An array of strings, or an empty list when absent. */
  public static List<String> stringList(JsonObject obj, String field) {
    JsonArray array = optArray(obj, field);
    List<String> out = new ArrayList<>();
    if (array == null) {
      return out;
    }
    for (Object item : array) {
      if (!(item instanceof String s)) {
        throw ArcpException.invalid(field + " must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }
}
