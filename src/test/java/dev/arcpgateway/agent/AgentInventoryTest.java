package dev.arcpgateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AgentInventory#resolve} (§7.5) and the welcome inventory, with its vendor connection key (§15). */
class AgentInventoryTest {

  private static final AgentInventory INVENTORY = AgentInventory.of(List.of(
      new AgentInventory.Entry("test-runner", List.of("1.0.0"), "1.0.0"),
      new AgentInventory.Entry("code-refactor", List.of("1.0.0", "2.0.0"), "2.0.0")));

  @Test
  void howAnAgentIsConnectedTravelsAsAVendorKeyAndReadsBack() {
    JsonObject bridged = new JsonObject().put("kind", "bridged").put("providers", 2);
    AgentInventory inventory = AgentInventory.of(List.of(
        new AgentInventory.Entry("wordcount", List.of("1.0.0"), "1.0.0", bridged)));
    JsonObject wire = inventory.toJson().getJsonObject(0);
    assertEquals(bridged, wire.getJsonObject(AgentInventory.CONNECTION));
    assertEquals(bridged, AgentInventory.fromJson(inventory.toJson()).entry("wordcount").connection());
    assertFalse(INVENTORY.toJson().getJsonObject(0).containsKey(AgentInventory.CONNECTION), "said only when known");
  }

  @Test
  void bareNameResolvesToTheDefault() {
    assertEquals(AgentRef.of("code-refactor", "2.0.0"), INVENTORY.resolve(AgentRef.parse("code-refactor")));
  }

  @Test
  void pinnedVersionResolvesToItself() {
    assertEquals(AgentRef.of("code-refactor", "1.0.0"), INVENTORY.resolve(AgentRef.parse("code-refactor@1.0.0")));
  }

  @Test
  void unknownNameIsAgentNotAvailable() {
    for (String ref : List.of("ghost", "ghost@1.0.0")) {
      ArcpException e = assertThrows(ArcpException.class, () -> INVENTORY.resolve(AgentRef.parse(ref)));
      assertEquals(ErrorCode.AGENT_NOT_AVAILABLE, e.code(), ref);
    }
    ArcpException empty = assertThrows(ArcpException.class, () -> AgentInventory.EMPTY.resolve(AgentRef.parse("a")));
    assertEquals(ErrorCode.AGENT_NOT_AVAILABLE, empty.code());
  }

  @Test
  void unknownVersionIsAgentVersionNotAvailable() {
    ArcpException e = assertThrows(ArcpException.class,
        () -> INVENTORY.resolve(AgentRef.parse("code-refactor@3.0.0")));
    assertEquals(ErrorCode.AGENT_VERSION_NOT_AVAILABLE, e.code());
    assertFalse(e.retryable());
    assertEquals(new JsonArray().add("1.0.0").add("2.0.0"), e.details().getJsonArray("available_versions"));
    ArcpException near = assertThrows(ArcpException.class,
        () -> INVENTORY.resolve(AgentRef.parse("code-refactor@2.0")));
    assertEquals(ErrorCode.AGENT_VERSION_NOT_AVAILABLE, near.code(), "versions are opaque: 2.0 is not 2.0.0");
  }

  @Test
  void welcomeInventoryIsSortedByNameAndRoundTrips() {
    JsonArray wire = INVENTORY.toJson();
    assertEquals(new JsonArray()
        .add(new JsonObject().put("name", "code-refactor").put("versions", new JsonArray().add("1.0.0").add("2.0.0"))
            .put("default", "2.0.0"))
        .add(new JsonObject().put("name", "test-runner").put("versions", new JsonArray().add("1.0.0"))
            .put("default", "1.0.0")), wire);
    AgentInventory back = AgentInventory.fromJson(wire);
    assertEquals(wire, back.toJson());
    assertEquals(INVENTORY.entry("code-refactor"), back.entry("code-refactor"));
    assertNull(back.entry("ghost"));
    assertTrue(AgentInventory.EMPTY.isEmpty());
    assertFalse(INVENTORY.isEmpty());
  }

  @Test
  void entriesAreImmutableCopies() {
    List<String> versions = new java.util.ArrayList<>(List.of("1.0.0"));
    AgentInventory.Entry entry = new AgentInventory.Entry("a", versions, "1.0.0");
    versions.add("2.0.0");
    assertEquals(List.of("1.0.0"), entry.versions());
    assertThrows(UnsupportedOperationException.class, () -> entry.versions().add("x"));
  }
}
