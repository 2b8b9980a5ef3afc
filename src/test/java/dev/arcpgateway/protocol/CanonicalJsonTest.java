package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link CanonicalJson}: equal JSON values encode to equal text whatever the key order, number spelling,
 * string escaping and whitespace of the source; different values encode differently.
 */
class CanonicalJsonTest {

  // ---------------------------------------------------------------- a JSON model and its many spellings

  private static final String KEY_CHARS = "abcAB_é\"\\\u2028 ";

  /** null, Boolean, String, BigDecimal, List, Map: a random JSON value. */
  static Object model(Random random, int depth) {
    int pick = random.nextInt(depth <= 0 ? 4 : 6);
    return switch (pick) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> text(random);
      case 3 -> number(random);
      case 4 -> {
        List<Object> list = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          list.add(model(random, depth - 1));
        }
        yield list;
      }
      default -> {
        Map<String, Object> map = new LinkedHashMap<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          map.put(text(random), model(random, depth - 1));
        }
        yield map;
      }
    };
  }

  private static String text(Random random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      s.append(KEY_CHARS.charAt(random.nextInt(KEY_CHARS.length())));
    }
    return s.toString();
  }

  private static BigDecimal number(Random random) {
    long unscaled = random.nextInt(2_000_001) - 1_000_000;
    int scale = random.nextInt(3) == 0 ? 0 : random.nextInt(4);
    return BigDecimal.valueOf(unscaled, scale);
  }

  /** One JSON text for {@code value}, with random key order, number spelling, escapes and whitespace. */
  static String render(Object value, Random random) {
    String ws = List.of("", "", " ", "\n  ", "\t").get(random.nextInt(5));
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean b) {
      return b.toString();
    }
    if (value instanceof String s) {
      return renderString(s, random);
    }
    if (value instanceof BigDecimal d) {
      return renderNumber(d, random);
    }
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(item -> items.add(ws + render(item, random) + ws));
      return "[" + String.join(",", items) + "]";
    }
    Map<?, ?> map = (Map<?, ?>) value;
    List<Object> keys = new ArrayList<>(map.keySet());
    Collections.shuffle(keys, random);
    List<String> members = new ArrayList<>();
    for (Object key : keys) {
      members.add(ws + renderString((String) key, random) + ws + ":" + ws + render(map.get(key), random));
    }
    return "{" + String.join(",", members) + ws + "}";
  }

  private static String renderString(String s, Random random) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      boolean mustEscape = c == '"' || c == '\\' || c < 0x20;
      if (mustEscape || random.nextInt(3) == 0) {
        out.append(random.nextBoolean() && c == '"' ? "\\\"" : String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String renderNumber(BigDecimal d, Random random) {
    String plain = d.toPlainString();
    return switch (random.nextInt(5)) {
      case 0 -> plain;
      case 1 -> plain.contains(".") ? plain + "00" : plain + ".0";
      case 2 -> d.unscaledValue() + "e" + (-d.scale());
      case 3 -> d.movePointLeft(2).toPlainString() + "E+2";
      default -> d.movePointRight(1).toPlainString() + "e-1";
    };
  }

  /** Equality of models with numbers compared by value. */
  static boolean sameValue(Object a, Object b) {
    if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
      return x.compareTo(y) == 0;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!sameValue(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (!x.keySet().equals(y.keySet())) {
        return false;
      }
      for (Object key : x.keySet()) {
        if (!sameValue(x.get(key), y.get(key))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, b);
  }

  private static String canonical(String text) {
    return CanonicalJson.encode(Json.decodeValue(text));
  }

  // ---------------------------------------------------------------- properties

  @Property(tries = 1000)
  void equalValuesEncodeEquallyWhateverTheSpelling(@ForAll Random random) {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("v", model(random, 3));
    String first = render(value, random);
    String second = render(value, random);
    assertEquals(canonical(first), canonical(second), first + "\n vs \n" + second);
  }

  @Property(tries = 500)
  void canonicalTextIsAFixedPointAndDecodesToTheSameValue(@ForAll Random random) {
    Object value = model(random, 3);
    String canonical = canonical(render(value, random));
    assertEquals(canonical, canonical(canonical));
    assertEquals(canonical, CanonicalJson.encode(Json.decodeValue(canonical)));
  }

  @Property(tries = 1000)
  void differentValuesEncodeDifferently(@ForAll Random random) {
    Object a = model(random, 2);
    Object b = random.nextInt(4) == 0 ? a : model(random, 2);
    boolean same = sameValue(a, b);
    Statistics.label("same").collect(same);
    String ca = canonical(render(a, random));
    String cb = canonical(render(b, random));
    if (same != ca.equals(cb)) {
      throw new AssertionError("same value: " + same + "\n" + ca + "\n" + cb);
    }
  }

  // ---------------------------------------------------------------- examples

  @Test
  void sortsKeysAndSpellsNumbersOneWay() {
    String a = "{\"b\": 1, \"a\": {\"d\": [1.0, 2e0, 0.50, -0.0, 1E+3], \"c\": null}, \"é\": \"x\"}";
    assertEquals("{\"a\":{\"c\":null,\"d\":[1,2,0.5,0,1000]},\"b\":1,\"é\":\"x\"}", canonical(a));
  }

  @Test
  void programmaticNumbersOfAnyTypeAgree() {
    String expected = "{\"n\":15}";
    assertEquals(expected, CanonicalJson.encode(new JsonObject().put("n", 15)));
    assertEquals(expected, CanonicalJson.encode(new JsonObject().put("n", 15L)));
    assertEquals(expected, CanonicalJson.encode(new JsonObject().put("n", 15.0)));
    assertEquals(expected, CanonicalJson.encode(new JsonObject().put("n", 15.0f)));
    assertEquals(expected, CanonicalJson.encode(new JsonObject().put("n", new BigDecimal("15.000"))));
    assertEquals(expected, CanonicalJson.encode(new JsonObject().put("n", new BigDecimal("1.5E+1"))));
    assertEquals("[0.1]", CanonicalJson.encode(new JsonArray().add(0.1)));
  }

  @Test
  void orderOfArrayElementsMatters() {
    assertNotEquals(canonical("[1,2]"), canonical("[2,1]"));
    assertNotEquals(canonical("{\"a\":\"1\"}"), canonical("{\"a\":1}"));
    assertNotEquals(canonical("{\"a\":null}"), canonical("{}"));
  }
}
