package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.events;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.protocol.Extensions;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** §15 (vendor extensions): x-* keys and {@code extensions} travel untouched; Extensions.get reads both. */
@ExtendWith(VertxExtension.class)
class Section15_ExtensionsTest {

  static final JsonObject VENDOR_BODY = new JsonObject().put("span", new JsonObject().put("id", 7))
      .put("x-acme.flag", true).put("list", new JsonArray().add(1).add("two"));

  static TestGateway gateway;

  /** Answers with what it saw: its extensions, and the two ways of reading one key. */
  static Future<?> mirror(JobContext job) {
    return Future.succeededFuture(new JsonObject()
        .put("extensions", job.extensions())
        .put("priority", Extensions.get(job.extensions(), "x-acme.priority").orElse("absent"))
        .put("tenant", Extensions.get(job.extensions(), "x-vendor.acme.tenant").orElse("absent")));
  }

  /**
   * Emits a log with x-* keys in its body, a vendor-kind event and a status with payload-level extensions; its
   * result is the refusal of an emit whose extensions hold a non-extension key.
   */
  static Future<?> vendorEvents(JobContext job) {
    return job.emit("log", new JsonObject().put("level", "info").put("message", "m")
            .put("x-acme.span", new JsonObject().put("id", "s1")).put("x-retry", 2))
        .compose(v -> job.emit("x-vendor.acme.checkpoint", VENDOR_BODY.copy()))
        .compose(v -> job.emit("status", new JsonObject().put("phase", "tagged"), new JsonObject()
            .put("x-acme.region", "eu").put("extensions", new JsonObject().put("x-vendor.acme.shard", 3))))
        .compose(v -> job.emit("status", new JsonObject().put("phase", "refused"), new JsonObject().put("kind", "x"))
            .map("accepted a non-extension key").otherwise(Throwable::getMessage));
  }

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, List.of(
        AgentRegistration.of("mirror", "1.0.0", Section15_ExtensionsTest::mirror),
        AgentRegistration.of("vendor-events", "1.0.0", Section15_ExtensionsTest::vendorEvents)));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void submitExtensionsReachTheAgentUntouched() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject extensionsObject = new JsonObject().put("x-vendor.acme.tenant", "t1").put("optional", true)
        .put("nested", new JsonObject().put("a", new JsonArray().add(1.5).add(JsonObject.of())));
    JsonObject submit = client.submit(new JsonObject().put("agent", "mirror").put("input", 1)
        .put("x-acme.priority", "high")
        .put("x-trace", new JsonObject().put("hops", new JsonArray().add("a").add("b")))
        .put("extensions", extensionsObject));
    JsonObject accepted = client.expectAccepted(submit.getString("id"));
    JsonObject result = payload(last(client.untilTerminal(accepted.getString("job_id")))).getJsonObject("result");

    assertEquals(new JsonObject()
        .put("x-acme.priority", "high")
        .put("x-trace", new JsonObject().put("hops", new JsonArray().add("a").add("b")))
        .put("extensions", extensionsObject), result.getJsonObject("extensions"));
    assertEquals("high", result.getString("priority"));
    assertEquals("t1", result.getString("tenant"));
  }

  @Test
  void withoutExtensionsTheAgentSeesAnEmptyObject() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("mirror", new JsonObject().put("x-not-an-extension-here", 1));
    JsonObject result = payload(last(client.untilTerminal(client.expectAccepted(id).getString("job_id"))))
        .getJsonObject("result");
    assertEquals(new JsonObject(), result.getJsonObject("extensions"), "input keys are input, not extensions");
  }

  @Test
  void eventBodiesKeepTheirExtensionKeysAndVendorKindsPassThrough() {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("vendor-events", null);
    List<JsonObject> frames = client.untilTerminal(client.expectAccepted(id).getString("job_id"));
    assertEquals(new JsonObject().put("level", "info").put("message", "m")
            .put("x-acme.span", new JsonObject().put("id", "s1")).put("x-retry", 2),
        payload(events(frames, "log").get(0)).getJsonObject("body"));
    List<JsonObject> vendor = events(frames, "x-vendor.acme.checkpoint");
    assertEquals(1, vendor.size(), frames.toString());
    assertEquals(VENDOR_BODY, payload(vendor.get(0)).getJsonObject("body"));
    assertEquals(List.of("kind", "ts", "body"), List.copyOf(payload(vendor.get(0)).fieldNames()));

    // payload-level extensions from a Java agent, readable with Extensions.get
    List<JsonObject> statuses = events(frames, "status");
    assertEquals(1, statuses.size(), "the refused emit sent nothing: " + frames);
    JsonObject tagged = payload(statuses.get(0));
    assertEquals(Optional.of("eu"), Extensions.get(tagged, "x-acme.region"), tagged.encode());
    assertEquals(Optional.of(3), Extensions.get(tagged, "x-vendor.acme.shard"), tagged.encode());
    String refusal = payload(frames.get(frames.size() - 1)).getString("result");
    assertTrue(refusal.contains("not kind"), refusal);
  }

  @Test
  void unknownEnvelopeFieldsAreIgnored() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), "echo", "e").put("x-acme.route", "blue")
        .put("extensions", new JsonObject().put("x-vendor.acme.hint", 1)).put("something_new", 42);
    client.send(submit);
    client.expectAccepted(submit.getString("id"));
  }

  // ---- Extensions.get --------------------------------------------------------------------------------

  @Test
  void getReadsTopLevelExtensionKeys() {
    JsonObject payload = new JsonObject().put("x-acme.a", 1).put("agent", "echo");
    assertEquals(Optional.of(1), Extensions.get(payload, "x-acme.a"));
    assertEquals(Optional.empty(), Extensions.get(payload, "agent"), "only x-* keys at the top level");
  }

  @Test
  void getReadsKeysInsideExtensions() {
    JsonObject payload = new JsonObject().put("extensions", new JsonObject().put("x-vendor.acme.b", "v")
        .put("optional", true));
    assertEquals(Optional.of("v"), Extensions.get(payload, "x-vendor.acme.b"));
    assertEquals(Optional.of(true), Extensions.get(payload, "optional"), "any key inside extensions");
    assertEquals(Optional.empty(), Extensions.get(payload, "x-missing"));
  }

  @Test
  void topLevelWinsOverTheExtensionsObject() {
    JsonObject payload = new JsonObject().put("x-k", "top").put("extensions", new JsonObject().put("x-k", "inner"));
    assertEquals(Optional.of("top"), Extensions.get(payload, "x-k"));
  }

  @Test
  void getIsSafeOnOddInput() {
    assertEquals(Optional.empty(), Extensions.get(null, "x-k"));
    assertEquals(Optional.empty(), Extensions.get(new JsonObject(), null));
    assertEquals(Optional.empty(), Extensions.get(new JsonObject().put("extensions", "not an object"), "x-k"));
    assertEquals(Optional.empty(), Extensions.get(new JsonObject().put("x-k", null), "x-k"), "JSON null");
  }

  @Test
  void collectTakesExtensionKeysAndTheExtensionsObjectOnly() {
    JsonObject payload = new JsonObject().put("agent", "echo").put("input", 1).put("x-a", 1)
        .put("extensions", new JsonObject().put("b", 2));
    JsonObject collected = Extensions.collect(payload);
    assertEquals(new JsonObject().put("x-a", 1).put("extensions", new JsonObject().put("b", 2)), collected);
    assertTrue(Extensions.isExtensionKey("x-anything"));
    assertFalse(Extensions.isExtensionKey("xanything"));
    assertFalse(Extensions.isExtensionKey(null));
  }
}
