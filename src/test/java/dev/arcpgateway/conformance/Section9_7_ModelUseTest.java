package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.Leases.arr;
import static dev.arcpgateway.testing.Leases.lease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.LeaseAgents;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.Leases.Run;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §9.7 model capability: a model outside every {@code model.use} pattern is refused with PERMISSION_DENIED; a
 * lease without {@code model.use} allows any model by default and none when the deployment requires it
 * ({@code lease.model_use_required}).
 */
@ExtendWith(VertxExtension.class)
class Section9_7_ModelUseTest {

  static TestGateway gateway;
  /** {@code lease.model_use_required: true}. */
  static TestGateway required;
  static Vertx requiredVertx;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, LeaseAgents.all());
    requiredVertx = Vertx.vertx();
    required = TestGateway.start(requiredVertx, options -> options.setLease(new JsonObject()
        .put("model_use_required", true)), LeaseAgents.all());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    required.close();
    requiredVertx.close().await(10, TimeUnit.SECONDS);
  }

  static JsonObject models(String... names) {
    return new JsonObject().put("models", arr(names));
  }

  static JsonObject denied(String... models) {
    JsonArray list = new JsonArray();
    for (String model : models) {
      list.add(new JsonObject().put("model", model).put("code", "PERMISSION_DENIED"));
    }
    return new JsonObject().put("denied", list);
  }

  @Test
  void modelUseGlobAllowsMatchingModelsOnly() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("modeler",
        models("tier-fast/a", "tier-slow/b", "tier-fast", "tier-fast/a/b", "gpt-4o"), lease("model.use", "tier-fast/*")));
    assertEquals(arr("tier-fast/*"), payload(run.accepted()).getJsonObject("lease").getJsonArray("model.use"));
    JsonObject result = run.result();
    assertEquals(arr("tier-fast/a"), result.getJsonArray("allowed"), result.encode());
    assertEquals(denied("tier-slow/b", "tier-fast", "tier-fast/a/b", "gpt-4o").getJsonArray("denied"),
        result.getJsonArray("denied"));
  }

  @Test
  void severalModelPatternsAreAlternatives() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject result = Leases.run(client, Leases.payload("modeler",
        models("tier-fast/x", "anthropic/claude-3-haiku-20240307", "anthropic/claude-3-opus-1"),
        lease("model.use", "tier-fast/*", "anthropic/claude-3-haiku-*"))).result();
    assertEquals(arr("tier-fast/x", "anthropic/claude-3-haiku-20240307"), result.getJsonArray("allowed"));
    assertEquals(denied("anthropic/claude-3-opus-1").getJsonArray("denied"), result.getJsonArray("denied"));
  }

  @Test
  void leaseWithoutModelUseAllowsAnyModelByDefault() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject result = Leases.run(client, Leases.payload("modeler", models("tier-fast/a", "tier-slow/b"),
        lease("tool.call", "search"))).result();
    assertEquals(arr("tier-fast/a", "tier-slow/b"), result.getJsonArray("allowed"));
    assertTrue(result.getJsonArray("denied").isEmpty(), result.encode());
  }

  @Test
  void emptyModelUseAllowsNoModel() {
    WireClient client = gateway.session(TestGateway.ALICE);
    // a model.use grant that names no pattern forbids every model, whatever the default
    JsonObject result = Leases.run(client, Leases.payload("modeler", models("tier-fast/a"),
        new JsonObject().put("model.use", new JsonArray()))).result();
    assertEquals(denied("tier-fast/a").getJsonArray("denied"), result.getJsonArray("denied"), result.encode());
  }

  @Test
  void whenRequiredALeaseWithoutModelUseForbidsEveryModel() {
    WireClient client = required.session(TestGateway.ALICE);
    JsonObject result = Leases.run(client, Leases.payload("modeler", models("tier-fast/a", "tier-slow/b"),
        lease("tool.call", "search"))).result();
    assertTrue(result.getJsonArray("allowed").isEmpty(), result.encode());
    assertEquals(denied("tier-fast/a", "tier-slow/b").getJsonArray("denied"), result.getJsonArray("denied"));
  }

  @Test
  void whenRequiredAMatchingModelUseStillAllows() {
    WireClient client = required.session(TestGateway.ALICE);
    JsonObject result = Leases.run(client, Leases.payload("modeler", models("tier-fast/a", "tier-slow/b"),
        lease("model.use", "tier-fast/*"))).result();
    assertEquals(arr("tier-fast/a"), result.getJsonArray("allowed"));
    assertEquals(denied("tier-slow/b").getJsonArray("denied"), result.getJsonArray("denied"));
  }

  @Test
  void modelUseIsAdvertisedInTheWelcome() {
    WireClient client = gateway.session(TestGateway.ALICE);
    assertTrue(client.welcome().getJsonObject("payload").getJsonObject("capabilities").getJsonArray("features")
        .contains("model.use"), client.welcome().encode());
  }
}
