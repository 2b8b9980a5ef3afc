package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Extensions}: {@code x-*} payload keys and the {@code extensions} object (§15). */
class ExtensionsTest {

  private static final JsonObject PAYLOAD = new JsonObject()
      .put("agent", "echo")
      .put("x-acme-priority", 5)
      .put("extensions", new JsonObject().put("x-acme-priority", 1).put("acme.region", "eu").put("x-null", null));

  @Test
  void topLevelExtensionKeysWin() {
    assertEquals(Optional.of(5), Extensions.get(PAYLOAD, "x-acme-priority"));
  }

  @Test
  void otherKeysComeFromTheExtensionsObject() {
    assertEquals(Optional.of("eu"), Extensions.get(PAYLOAD, "acme.region"));
    assertEquals(Optional.empty(), Extensions.get(PAYLOAD, "agent"), "ordinary payload fields are no extensions");
    assertEquals(Optional.empty(), Extensions.get(PAYLOAD, "x-missing"));
    assertEquals(Optional.empty(), Extensions.get(PAYLOAD, "x-null"));
    assertEquals(Optional.empty(), Extensions.get(null, "x"));
    assertEquals(Optional.empty(), Extensions.get(PAYLOAD, null));
    assertEquals(Optional.empty(), Extensions.get(new JsonObject().put("extensions", "x"), "a"));
  }

  @Test
  void collectCopiesOnlyExtensionEntries() {
    JsonObject collected = Extensions.collect(PAYLOAD);
    assertEquals(new JsonObject().put("x-acme-priority", 5).put("extensions", PAYLOAD.getJsonObject("extensions")),
        collected);
    collected.put("x-new", 1);
    assertFalse(PAYLOAD.containsKey("x-new"), "a copy");
    assertEquals(new JsonObject(), Extensions.collect(new JsonObject().put("agent", "a")));
  }

  @Test
  void extensionKeys() {
    assertTrue(Extensions.isExtensionKey("x-a"));
    assertTrue(Extensions.isExtensionKey("x-vendor.acme"));
    assertFalse(Extensions.isExtensionKey("X-a"));
    assertFalse(Extensions.isExtensionKey("xa"));
    assertFalse(Extensions.isExtensionKey(null));
  }
}
