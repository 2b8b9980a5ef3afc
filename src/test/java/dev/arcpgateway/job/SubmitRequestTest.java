package dev.arcpgateway.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** {@link SubmitRequest}: {@code job.submit} validation (§7.1) and the idempotency fingerprint (§7.2). */
class SubmitRequestTest {

  private static JsonObject specExample() {
    return new JsonObject("""
        {
          "agent": "code-refactor@2.0.0",
          "input": {"files": ["a.ts", "b.ts"], "depth": 3, "ratio": 0.5},
          "lease_request": {
            "fs.read": ["/workspace/myapp/**"],
            "fs.write": ["/workspace/myapp/src/**"],
            "cost.budget": ["USD:5.00"],
            "model.use": ["tier-fast/*"]
          },
          "lease_constraints": {"expires_at": "2026-05-13T23:42:00Z"},
          "idempotency_key": "refactor-auth-2026-W19",
          "max_runtime_sec": 1800,
          "x-acme-priority": 3,
          "extensions": {"acme.region": "eu"}
        }""");
  }

  @Test
  void parsesTheSpecExample() {
    SubmitRequest request = SubmitRequest.parse(specExample());
    assertEquals("code-refactor@2.0.0", request.agentText());
    assertEquals(AgentRef.of("code-refactor", "2.0.0"), request.agent());
    assertEquals(3, ((JsonObject) request.input()).getInteger("depth"));
    assertEquals(new JsonArray().add("USD:5.00"), request.leaseRequest().getJsonArray("cost.budget"));
    assertEquals("2026-05-13T23:42:00Z", request.leaseConstraints().getString("expires_at"));
    assertEquals("refactor-auth-2026-W19", request.idempotencyKey());
    assertEquals(1800L, request.maxRuntimeSec());
    assertNull(request.parentJobId());
    assertEquals(new JsonObject().put("x-acme-priority", 3).put("extensions", new JsonObject().put("acme.region", "eu")),
        request.extensions());
  }

  @Test
  void minimalSubmission() {
    SubmitRequest request = SubmitRequest.parse(new JsonObject().put("agent", "echo"));
    assertNull(request.input());
    assertNull(request.leaseRequest());
    assertNull(request.idempotencyKey());
    assertNull(request.maxRuntimeSec());
    assertEquals(new JsonObject(), request.extensions());
    SubmitRequest scalar = SubmitRequest.parse(new JsonObject().put("agent", "echo").put("input", "hello"));
    assertEquals("hello", scalar.input());
  }

  @Test
  void boundaries() {
    SubmitRequest.parse(new JsonObject().put("agent", "a").put("idempotency_key", "k".repeat(256)));
    SubmitRequest.parse(new JsonObject().put("agent", "a").put("max_runtime_sec", 1));
    SubmitRequest.parse(new JsonObject().put("agent", "a").put("max_runtime_sec", 30L * 24 * 3600));
    assertEquals(60L, SubmitRequest.parse(new JsonObject().put("agent", "a").put("max_runtime_sec", 60.0))
        .maxRuntimeSec());
  }

  @Test
  void malformedSubmissionsAreInvalidRequests() {
    List<JsonObject> bad = List.of(
        new JsonObject(),
        new JsonObject().put("agent", ""),
        new JsonObject().put("agent", 5),
        new JsonObject().put("agent", "Bad Name"),
        new JsonObject().put("agent", "a@"),
        new JsonObject().put("agent", "a").put("idempotency_key", ""),
        new JsonObject().put("agent", "a").put("idempotency_key", "k".repeat(257)),
        new JsonObject().put("agent", "a").put("idempotency_key", 5),
        new JsonObject().put("agent", "a").put("max_runtime_sec", 0),
        new JsonObject().put("agent", "a").put("max_runtime_sec", -1),
        new JsonObject().put("agent", "a").put("max_runtime_sec", 30L * 24 * 3600 + 1),
        new JsonObject().put("agent", "a").put("max_runtime_sec", 1.5),
        new JsonObject().put("agent", "a").put("max_runtime_sec", "60"),
        new JsonObject().put("agent", "a").put("lease_request", new JsonArray()),
        new JsonObject().put("agent", "a").put("lease_constraints", "soon"),
        new JsonObject().put("agent", "a").put("parent_job_id", 7));
    for (JsonObject payload : bad) {
      ArcpException e = assertThrows(ArcpException.class, () -> SubmitRequest.parse(payload), payload.encode());
      assertEquals(ErrorCode.INVALID_REQUEST, e.code(), payload.encode());
    }
  }

  // ---------------------------------------------------------------- fingerprint

  /** The same JSON value with keys re-inserted in random order and numbers in another Java type. */
  static Object respell(Object value, Random random) {
    if (value instanceof JsonObject object) {
      List<String> keys = new ArrayList<>(object.fieldNames());
      Collections.shuffle(keys, random);
      JsonObject out = new JsonObject();
      keys.forEach(k -> out.put(k, respell(object.getValue(k), random)));
      return out;
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(v -> out.add(respell(v, random)));
      return out;
    }
    if (value instanceof Integer || value instanceof Long) {
      long n = ((Number) value).longValue();
      return switch (random.nextInt(3)) {
        case 0 -> (double) n;
        case 1 -> new BigDecimal(n).setScale(2);
        default -> n;
      };
    }
    if (value instanceof Double d) {
      return random.nextBoolean() ? new BigDecimal(Double.toString(d)).setScale(8) : d;
    }
    return value;
  }

  @Property(tries = 300)
  void fingerprintIgnoresKeyOrderAndNumberSpelling(@ForAll Random random) {
    JsonObject payload = specExample();
    payload.getJsonObject("input").put("seed", random.nextInt(1000)).put("w", random.nextInt(100) / 8.0);
    JsonObject respelled = (JsonObject) respell(payload, random);
    String fingerprint = SubmitRequest.parse(payload).fingerprint();
    assertTrue(fingerprint.matches("[0-9a-f]{64}"), fingerprint);
    assertEquals(fingerprint, SubmitRequest.parse(respelled).fingerprint(), respelled.encode());
    assertEquals(fingerprint, SubmitRequest.parse(new JsonObject(respelled.encode())).fingerprint(), "wire trip");
  }

  @Test
  void fingerprintIgnoresTheKeyItselfAndExtensions() {
    String base = SubmitRequest.parse(specExample()).fingerprint();
    assertEquals(base, SubmitRequest.parse(specExample().put("idempotency_key", "other")).fingerprint());
    assertEquals(base, SubmitRequest.parse(specExample().put("x-acme-priority", 9)).fingerprint());
    assertEquals(SubmitRequest.parse(new JsonObject().put("agent", "a")).fingerprint(),
        SubmitRequest.parse(new JsonObject().put("agent", "a").putNull("input")).fingerprint(),
        "null input is absent input");
  }

  @Test
  void fingerprintChangesWithEveryParameter() {
    String base = SubmitRequest.parse(specExample()).fingerprint();
    List<JsonObject> changed = List.of(
        specExample().put("agent", "code-refactor"),
        specExample().put("agent", "code-refactor@1.0.0"),
        specExample().put("input", new JsonObject().put("files", new JsonArray().add("b.ts").add("a.ts"))
            .put("depth", 3).put("ratio", 0.5)),
        specExample().put("input", "x"),
        specExample().put("lease_request", new JsonObject().put("fs.read", new JsonArray().add("/**"))),
        specExample().put("lease_constraints", new JsonObject().put("expires_in_s", 60)),
        specExample().put("max_runtime_sec", 1801),
        specExample().put("parent_job_id", "job_1"));
    for (JsonObject payload : changed) {
      assertNotEquals(base, SubmitRequest.parse(payload).fingerprint(), payload.encode());
    }
  }
}
