package dev.arcpgateway.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Lease} parsing (§9.1, §9.2) and enforcement (§9.3), and {@link Capability}. */
class LeaseTest {

  private static final JsonObject SPEC_EXAMPLE = new JsonObject()
      .put("fs.read", new JsonArray().add("/workspace/myapp/**"))
      .put("fs.write", new JsonArray().add("/workspace/myapp/src/**"))
      .put("cost.budget", new JsonArray().add("USD:5.00"))
      .put("model.use", new JsonArray().add("tier-fast/*"));

  @Test
  void specExampleParsesAndEnforces() {
    Lease lease = Lease.parse(SPEC_EXAMPLE.copy());
    assertTrue(lease.allows("fs.read", "/workspace/myapp/README.md"));
    assertFalse(lease.allows("fs.write", "/workspace/myapp/README.md"));
    assertTrue(lease.allows("fs.write", "/workspace/myapp/src/a/b.ts"));
    assertTrue(lease.allows("model.use", "tier-fast/mini"));
    assertFalse(lease.allows("model.use", "tier-slow/big"));
    assertFalse(lease.allows("net.fetch", "https://example.com/"), "absent namespace grants nothing");
    assertFalse(lease.allows("cost.budget", "USD:5.00"), "amounts are not patterns");
    assertEquals(List.of("USD:5.00"), lease.patterns("cost.budget"));
    assertEquals(List.of(), lease.patterns("tool.call"));
    assertTrue(lease.has("fs.read"));
    assertFalse(lease.has("tool.call"));
    assertEquals(SPEC_EXAMPLE, lease.toJson());
    assertEquals(1, lease.compiled("fs.read").size());
    assertTrue(lease.compiled("cost.budget").isEmpty());
  }

  @Test
  void checkThrowsPermissionDeniedWithDetails() {
    Lease lease = Lease.parse(SPEC_EXAMPLE.copy());
    lease.check("fs.read", "/workspace/myapp/x");
    ArcpException e = assertThrows(ArcpException.class, () -> lease.check("fs.read", "/etc/passwd"));
    assertEquals(ErrorCode.PERMISSION_DENIED, e.code());
    assertFalse(e.retryable());
    assertEquals("fs.read", e.details().getString("capability"));
    assertEquals("/etc/passwd", e.details().getString("resource"));
  }

  @Test
  void anyPatternOfANamespaceMayAllow() {
    Lease lease = Lease.parse(new JsonObject().put("tool.call", new JsonArray().add("search").add("fs/*")));
    assertTrue(lease.allows("tool.call", "search"));
    assertTrue(lease.allows("tool.call", "fs/read"));
    assertFalse(lease.allows("tool.call", "shell"));
  }

  @Test
  void emptyOrNullLeaseGrantsNothing() {
    assertTrue(Lease.parse(null).grants().isEmpty());
    assertFalse(Lease.parse(new JsonObject()).allows("fs.read", "/"));
  }

  @Test
  void vendorNamespacesAreNameGlobs() {
    Lease lease = Lease.parse(new JsonObject().put("x-vendor.acme.db", new JsonArray().add("orders/*")));
    assertTrue(lease.allows("x-vendor.acme.db", "orders/2026"));
    assertFalse(lease.allows("x-vendor.acme.db", "users/1"));
  }

  @Test
  void malformedLeasesAreInvalidRequests() {
    List<JsonObject> bad = List.of(
        new JsonObject().put("fs.exec", new JsonArray().add("/x")),
        new JsonObject().put("x-vendor.", new JsonArray().add("x")),
        new JsonObject().put("x-acme", new JsonArray().add("x")),
        new JsonObject().put("fs.read", "/x"),
        new JsonObject().put("fs.read", new JsonArray().add(5)),
        new JsonObject().put("fs.read", new JsonArray().add("")),
        new JsonObject().put("fs.read", new JsonArray().addNull()),
        new JsonObject().put("fs.read", new JsonArray().add("relative/**")),
        new JsonObject().put("net.fetch", new JsonArray().add("example.com/**")),
        new JsonObject().put("cost.budget", new JsonArray().add("USD5")),
        new JsonObject().put("cost.budget", new JsonArray().add("USD:-5")));
    for (JsonObject json : bad) {
      ArcpException e = assertThrows(ArcpException.class, () -> Lease.parse(json), json.encode());
      assertEquals(ErrorCode.INVALID_REQUEST, e.code(), json.encode());
    }
  }

  @Test
  void capabilityKinds() {
    assertEquals(Capability.GlobKind.PATH, Capability.kindOf("fs.read"));
    assertEquals(Capability.GlobKind.PATH, Capability.kindOf("fs.write"));
    assertEquals(Capability.GlobKind.URL, Capability.kindOf("net.fetch"));
    assertEquals(Capability.GlobKind.AMOUNT, Capability.kindOf("cost.budget"));
    for (String name : List.of("tool.call", "agent.delegate", "model.use", "x-vendor.acme")) {
      assertEquals(Capability.GlobKind.NAME, Capability.kindOf(name), name);
    }
    assertEquals(List.of("fs.read", "fs.write", "net.fetch", "tool.call", "agent.delegate", "cost.budget",
        "model.use"), Capability.RESERVED, "the §9.2 table");
    assertTrue(Capability.isKnown("x-vendor.a"));
    assertFalse(Capability.isKnown("x-vendor."));
    assertFalse(Capability.isVendor("fs.read"));
  }
}
