package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.Leases.arr;
import static dev.arcpgateway.testing.Leases.lease;
import static dev.arcpgateway.testing.Leases.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.Leases.Run;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * §9.1–§9.3: the effective lease covers every authority-bearing operation of an agent; an operation it does not
 * cover fails with PERMISSION_DENIED before it is dispatched, as an error the agent can handle (a tool_result
 * error on the wire). Lease grammar: reserved namespaces and {@code x-vendor.*}; anything else is
 * INVALID_REQUEST. Deployment policy narrows what a principal asks for.
 */
@ExtendWith(VertxExtension.class)
class Section9_1_CapabilitiesTest {

  static TestGateway gateway;
  /** alice may read /ws/alice/** only and spend USD 2.00 at most; bob has no policy entry. */
  static TestGateway policed;
  static Vertx policedVertx;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx);
    policedVertx = Vertx.vertx();
    policed = TestGateway.start(policedVertx, options -> options.setLease(new JsonObject().put("policy",
        new JsonObject().put("alice", new JsonObject()
            .put("fs.read", arr("/ws/alice/**"))
            .put("cost.budget", arr("USD:2.00"))))));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    policed.close();
    policedVertx.close().await(10, TimeUnit.SECONDS);
  }

  static JsonObject readerPaths(String... paths) {
    return new JsonObject().put("paths", arr(paths));
  }

  static List<String> deniedCodes(JsonObject result) {
    return result.getJsonArray("denied").stream().map(d -> ((JsonObject) d).getString("code")).toList();
  }

  static List<Object> deniedPaths(JsonObject result) {
    return result.getJsonArray("denied").stream().map(d -> (Object) ((JsonObject) d).getString("path")).toList();
  }

  // ---- fs.read path globs -----------------------------------------------------------------------------------

  @Test
  void fsReadGlobAllowsPathsBelowItAndNothingElse() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("reader", readerPaths("/ws/a.txt", "/ws/x/y/z", "/etc/passwd",
        "/ws/../etc/passwd", "/ws/x/../../etc/shadow", "ws/a.txt", "a.txt", "./ws/a.txt", "/wsx/a.txt"),
        lease("fs.read", "/ws/**")));

    assertEquals(lease("fs.read", "/ws/**"), payload(run.accepted()).getJsonObject("lease"));
    JsonObject result = run.result();
    assertEquals(arr("/ws/a.txt", "/ws/x/y/z"), result.getJsonArray("allowed"), result.encode());
    assertEquals(List.of("/etc/passwd", "/ws/../etc/passwd", "/ws/x/../../etc/shadow", "ws/a.txt", "a.txt",
        "./ws/a.txt", "/wsx/a.txt"), deniedPaths(result), result.encode());
    deniedCodes(result).forEach(code -> assertEquals("PERMISSION_DENIED", code, result.encode()));
    // the agent caught every refusal: the job itself succeeded
    assertEquals("success", run.outcome().getString("final_status"));
  }

  @Test
  void noFsReadGrantDeniesEveryPath() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("reader", readerPaths("/ws/a.txt", "/"),
        lease("fs.write", "/ws/**")));
    JsonObject result = run.result();
    assertEquals(new JsonArray(), result.getJsonArray("allowed"));
    assertEquals(List.of("PERMISSION_DENIED", "PERMISSION_DENIED"), deniedCodes(result));
  }

  @Test
  void singleStarStaysInsideOneSegment() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject result = Leases.run(client, Leases.payload("reader",
        readerPaths("/ws/a.txt", "/ws/sub/a.txt", "/ws/b.md"), lease("fs.read", "/ws/*.txt"))).result();
    assertEquals(arr("/ws/a.txt"), result.getJsonArray("allowed"), result.encode());
    assertEquals(List.of("/ws/sub/a.txt", "/ws/b.md"), deniedPaths(result));
  }

  // ---- tool.call --------------------------------------------------------------------------------------------

  @Test
  void toolCallGrantLetsTheSpenderWork() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("spender", new JsonObject().put("steps", 2).put("cost", 0),
        lease("tool.call", "search")));
    assertEquals(new JsonObject().put("steps", 2).put("stopped", "completed"), run.result());
    List<JsonObject> results = run.bodies("tool_result");
    assertEquals(2, results.size(), run.frames().toString());
    results.forEach(r -> assertFalse(r.containsKey("error"), r.encode()));
    assertEquals(2, run.bodies("tool_call").size());
  }

  @Test
  void toolCallWithoutGrantIsDeniedBeforeDispatchAsAToolResultError() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("spender", new JsonObject().put("steps", 3),
        lease("fs.read", "/ws/**")));
    assertEquals(new JsonObject().put("steps", 0).put("stopped", "PERMISSION_DENIED"), run.result());

    List<JsonObject> events = run.mine().stream().filter(f -> "job.event".equals(f.getString("type")))
        .map(f -> payload(f)).toList();
    assertEquals(2, events.size(), "tool_call then tool_result only: " + events);
    assertEquals("tool_call", events.get(0).getString("kind"));
    JsonObject call = events.get(0).getJsonObject("body");
    assertEquals("search", call.getString("tool"));
    assertEquals("tool_result", events.get(1).getString("kind"));
    JsonObject toolResult = events.get(1).getJsonObject("body");
    assertEquals(call.getString("call_id"), toolResult.getString("call_id"));
    assertFalse(toolResult.containsKey("result"), toolResult.encode());
    JsonObject error = toolResult.getJsonObject("error");
    assertEquals("PERMISSION_DENIED", error.getString("code"), toolResult.encode());
    assertEquals(Boolean.FALSE, error.getBoolean("retryable"), toolResult.encode());
    assertFalse(error.getString("message", "").isBlank(), toolResult.encode());
    // no cost was reported for the step that never ran
    assertTrue(run.bodies("metric").isEmpty(), run.frames().toString());
    assertEquals("success", run.outcome().getString("final_status"));
  }

  @Test
  void toolNameGlobsMatchWholeNames() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject allowed = Leases.run(client, Leases.payload("spender", new JsonObject().put("steps", 1).put("cost", 0),
        lease("tool.call", "sea*"))).result();
    assertEquals("completed", allowed.getString("stopped"));
    JsonObject denied = Leases.run(client, Leases.payload("spender", new JsonObject().put("steps", 1).put("cost", 0),
        lease("tool.call", "searc", "search-v2", "web/*"))).result();
    assertEquals("PERMISSION_DENIED", denied.getString("stopped"));
  }

  // ---- grammar ----------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "namespace {0}")
  @ValueSource(strings = {"fs.exec", "net.listen", "tool", "x-acme.thing", "x-vendor.", "FS.READ", ""})
  void unknownNamespaceIsInvalidRequest(String namespace) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), Leases.payload("echo", 1, lease(namespace, "x")));
    client.send(submit);
    assertRejectedSubmit(client, submit, "INVALID_REQUEST");
  }

  @Test
  void vendorNamespaceIsAcceptedAndEchoed() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject request = lease("x-vendor.acme.thing", "alpha", "beta/*").put("fs.read", arr("/ws/**"));
    JsonObject accepted = Leases.accept(client, Leases.payload("echo", 1, request));
    assertEquals(request, payload(accepted).getJsonObject("lease"));
  }

  @Test
  void emptyLeaseRequestGrantsNothing() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Run run = Leases.run(client, Leases.payload("reader", readerPaths("/ws/a.txt"), new JsonObject()));
    assertEquals(new JsonObject(), payload(run.accepted()).getJsonObject("lease"));
    assertNull(payload(run.accepted()).getValue("budget"), run.accepted().encode());
    assertEquals(List.of("PERMISSION_DENIED"), deniedCodes(run.result()));
  }

  // ---- per-principal policy ---------------------------------------------------------------------------------

  @Test
  void policyNarrowsTheRequestedPatternsToThePrincipalsGrant() {
    WireClient alice = policed.session(TestGateway.ALICE);
    Run run = Leases.run(alice, Leases.payload("reader", readerPaths("/ws/alice/notes.txt", "/ws/bob/notes.txt"),
        lease("fs.read", "/ws/**", "/ws/alice/**")));
    JsonObject effective = payload(run.accepted()).getJsonObject("lease");
    assertEquals(arr("/ws/alice/**"), effective.getJsonArray("fs.read"), run.accepted().encode());
    // and enforcement follows the effective lease, not the request
    JsonObject result = run.result();
    assertEquals(arr("/ws/alice/notes.txt"), result.getJsonArray("allowed"), result.encode());
    assertEquals(List.of("PERMISSION_DENIED"), deniedCodes(result));
  }

  @Test
  void policyCapsARequestedBudgetAboveItsCap() {
    WireClient alice = policed.session(TestGateway.ALICE);
    JsonObject above = payload(Leases.run(alice, Leases.payload("echo", 1,
        lease("fs.read", "/ws/alice/**").put("cost.budget", arr("USD:5.00")))).accepted());
    assertEquals(2.0, number(above.getJsonObject("budget"), "USD"), 1e-9, above.encode());
    JsonObject below = payload(Leases.run(alice, Leases.payload("echo", 1,
        lease("fs.read", "/ws/alice/**").put("cost.budget", arr("USD:0.50")))).accepted());
    assertEquals(0.5, number(below.getJsonObject("budget"), "USD"), 1e-9, below.encode());
  }

  @Test
  void policyDropsNamespacesItDoesNotGrant() {
    WireClient alice = policed.session(TestGateway.ALICE);
    Run run = Leases.run(alice, Leases.payload("spender", new JsonObject().put("steps", 1).put("cost", 0),
        lease("tool.call", "search")));
    assertFalse(payload(run.accepted()).getJsonObject("lease").containsKey("tool.call"), run.accepted().encode());
    assertEquals("PERMISSION_DENIED", run.result().getString("stopped"));
  }

  @Test
  void principalsWithoutAPolicyEntryGetWhatTheyAsk() {
    WireClient bob = policed.session(TestGateway.BOB);
    JsonObject request = lease("fs.read", "/ws/**").put("cost.budget", arr("USD:5.00"));
    JsonObject accepted = payload(Leases.accept(bob, Leases.payload("echo", 1, request)));
    assertEquals(request, accepted.getJsonObject("lease"));
    assertEquals(5.0, number(accepted.getJsonObject("budget"), "USD"), 1e-9);
  }
}
