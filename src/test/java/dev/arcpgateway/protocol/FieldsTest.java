package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link Fields}: typed reads that turn wrong types into INVALID_REQUEST naming the field. */
class FieldsTest {

  private static void invalid(Consumer<JsonObject> read, String json) {
    ArcpException e = assertThrows(ArcpException.class, () -> read.accept(new JsonObject(json)), json);
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    assertEquals(true, e.getMessage().contains("f"), e.getMessage());
  }

  @Test
  void strings() {
    assertEquals("x", Fields.string(new JsonObject("{\"f\":\"x\"}"), "f"));
    assertNull(Fields.optString(new JsonObject("{\"f\":null}"), "f"));
    assertNull(Fields.optString(new JsonObject(), "f"));
    invalid(o -> Fields.string(o, "f"), "{}");
    invalid(o -> Fields.string(o, "f"), "{\"f\":\"\"}");
    invalid(o -> Fields.optString(o, "f"), "{\"f\":1}");
  }

  @Test
  void longs() {
    assertEquals(5L, Fields.optLong(new JsonObject("{\"f\":5}"), "f"));
    assertEquals(5L, Fields.optLong(new JsonObject("{\"f\":5.0}"), "f"));
    assertEquals(-5L, Fields.optLong(new JsonObject("{\"f\":-5}"), "f"));
    assertEquals(9_000_000_000L, Fields.optLong(new JsonObject("{\"f\":9000000000}"), "f"));
    assertNull(Fields.optLong(new JsonObject(), "f"));
    assertEquals(3L, Fields.optLong(new JsonObject(), "f", 3));
    invalid(o -> Fields.optLong(o, "f"), "{\"f\":1.5}");
    invalid(o -> Fields.optLong(o, "f"), "{\"f\":\"1\"}");
    invalid(o -> Fields.optLong(o, "f"), "{\"f\":true}");
    invalid(o -> Fields.optLong(o, "f"), "{\"f\":1e300}");
    invalid(o -> Fields.optLong(o, "f"), "{\"f\":123456789012345678901234567890}");
  }

  @Test
  void numbers() {
    assertEquals(0, new BigDecimal("0.0234").compareTo(Fields.optNumber(new JsonObject("{\"f\":0.0234}"), "f")));
    assertEquals(0, BigDecimal.TEN.compareTo(Fields.optNumber(new JsonObject("{\"f\":10}"), "f")));
    assertEquals(new BigDecimal("12345678901234567890"),
        Fields.optNumber(new JsonObject("{\"f\":12345678901234567890}"), "f"));
    assertNull(Fields.optNumber(new JsonObject(), "f"));
    invalid(o -> Fields.optNumber(o, "f"), "{\"f\":\"1\"}");
    invalid(o -> Fields.optNumber(o, "f"), "{\"f\":[1]}");
    JsonObject nan = new JsonObject().put("f", Double.NaN);
    assertThrows(ArcpException.class, () -> Fields.optNumber(nan, "f"));
    JsonObject inf = new JsonObject().put("f", Float.POSITIVE_INFINITY);
    assertThrows(ArcpException.class, () -> Fields.optNumber(inf, "f"));
  }

  @Test
  void booleansObjectsArrays() {
    assertEquals(true, Fields.optBoolean(new JsonObject("{\"f\":true}"), "f"));
    assertEquals(false, Fields.optBoolean(new JsonObject(), "f", false));
    invalid(o -> Fields.optBoolean(o, "f"), "{\"f\":\"true\"}");
    assertEquals(new JsonObject(), Fields.object(new JsonObject("{\"f\":{}}"), "f"));
    invalid(o -> Fields.object(o, "f"), "{}");
    invalid(o -> Fields.optObject(o, "f"), "{\"f\":[]}");
    assertEquals(new JsonArray().add(1), Fields.optArray(new JsonObject("{\"f\":[1]}"), "f"));
    invalid(o -> Fields.optArray(o, "f"), "{\"f\":{}}");
    assertEquals(List.of("a", "b"), Fields.stringList(new JsonObject("{\"f\":[\"a\",\"b\"]}"), "f"));
    assertEquals(List.of(), Fields.stringList(new JsonObject(), "f"));
    invalid(o -> Fields.stringList(o, "f"), "{\"f\":[\"a\",null]}");
  }
}
