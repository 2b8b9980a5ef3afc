package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.assertGapFree;
import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static dev.arcpgateway.testing.Leases.arr;
import static dev.arcpgateway.testing.Leases.lease;
import static dev.arcpgateway.testing.Leases.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.LeaseAgents;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.Leases.Run;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * §10 delegation and §9.4 lease subsetting, in the two forms wire-notes §11 describes: an agent delegating
 * through the runtime (v1.0 {@code delegate} flow: the child's {@code job.accepted} with {@code parent_job_id} and
 * {@code delegate_id} in the parent's session, a {@code delegate} event naming {@code child_job_id}, refusals as a
 * tool_result error on the parent) and a client submitting with {@code parent_job_id} (Python SDK). A child lease
 * must be covered by its parent's, its budget must fit in what the parent has left, and it must not outlive the
 * parent.
 */
@ExtendWith(VertxExtension.class)
class Section10_DelegationTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, LeaseAgents.all());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static final JsonObject PARENT = lease("agent.delegate", "spender", "delegator")
      .put("tool.call", arr("search")).put("cost.budget", arr("USD:1.00"));

  static JsonObject delegation(String agent, Object input, JsonObject leaseRequest) {
    JsonObject spec = new JsonObject().put("agent", agent).put("input", input);
    return leaseRequest == null ? spec : spec.put("lease_request", leaseRequest);
  }

  static JsonObject spend(int steps, double cost) {
    return new JsonObject().put("steps", steps).put("cost", cost);
  }

  static List<JsonObject> acceptedOtherThan(List<JsonObject> frames, String jobId) {
    return frames.stream().filter(f -> "job.accepted".equals(type(f)) && !jobId.equals(f.getString("job_id")))
        .toList();
  }

  // ---- delegation through the runtime -----------------------------------------------------------------------

  @Test
  void childRunsUnderTheDelegatedSubsetAndItsResultReachesTheParent() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject childLease = lease("tool.call", "search").put("cost.budget", arr("USD:0.50"));
    Run parent = Leases.run(client, Leases.payload("delegator", delegation("spender", spend(2, 0.1), childLease),
        PARENT));
    List<JsonObject> frames = parent.frames();

    List<JsonObject> children = acceptedOtherThan(frames, parent.jobId());
    assertEquals(1, children.size(), "one child job.accepted: " + frames);
    JsonObject childAccepted = children.get(0);
    String childId = childAccepted.getString("job_id");
    JsonObject child = payload(childAccepted);
    assertEquals(client.sessionId(), childAccepted.getString("session_id"), "in the parent's session");
    assertEquals(parent.jobId(), child.getString("parent_job_id"), childAccepted.encode());
    String delegateId = child.getString("delegate_id");
    assertNotNull(delegateId, "job.accepted names the delegate_id: " + childAccepted.encode());
    assertEquals(childLease, child.getJsonObject("lease"));
    assertEquals(0.5, number(child.getJsonObject("budget"), "USD"), 1e-9);
    assertTrue(child.getString("agent").startsWith("spender@"), child.encode());
    List<JsonObject> childFrames = Leases.ofJob(frames, childId);
    assertEquals(childAccepted, childFrames.get(0), "the child's job.accepted comes before any frame of the child");

    List<JsonObject> delegates = parent.bodies("delegate");
    assertEquals(1, delegates.size(), "one delegate event on the parent: " + frames);
    JsonObject delegate = delegates.get(0);
    assertEquals(childId, delegate.getString("child_job_id"), delegate.encode());
    assertEquals(delegateId, delegate.getString("delegate_id"), delegate.encode());
    assertEquals("spender", delegate.getString("agent"));
    assertEquals(childLease, delegate.getJsonObject("lease_request"));

    assertEquals(2, Leases.bodies(frames, childId, "tool_call").size(), "the child's own events: " + frames);
    JsonObject childTerminal = childFrames.get(childFrames.size() - 1);
    assertEquals("job.result", type(childTerminal), childTerminal.encode());
    JsonObject childResult = new JsonObject().put("steps", 2).put("stopped", "completed");
    assertEquals(childResult, payload(childTerminal).getJsonObject("result"));
    assertTrue(frames.indexOf(childTerminal) < frames.size() - 1, "the child ends before the parent");
    assertEquals(new JsonObject().put("result", childResult), parent.result());

    // §6.6: list_jobs names the child's parent as job.accepted did
    JsonObject listed = Leases.list(client).getJsonArray("jobs").stream().map(JsonObject.class::cast)
        .filter(entry -> childId.equals(entry.getString("job_id"))).findFirst().orElseThrow();
    assertEquals(parent.jobId(), listed.getString("parent_job_id"), listed.encode());

    // one session, one event_seq space (§8.3): strictly increasing across parent and child frames
    assertGapFree(frames);
  }

  /** A session that negotiated lifecycle events sees them for the children its jobs delegate to, as for its own. */
  @Test
  void aDelegatedChildsLifecycleEventsReachASessionThatAskedForThem() {
    WireClient client = Continuity.session(gateway, TestGateway.ALICE, Section8_1_LifecycleEventsTest.withLifecycle());
    JsonObject childLease = lease("tool.call", "search").put("cost.budget", arr("USD:0.50"));
    Run parent = Leases.run(client, Leases.payload("delegator", delegation("spender", spend(1, 0.1), childLease),
        PARENT));
    String childId = acceptedOtherThan(parent.frames(), parent.jobId()).get(0).getString("job_id");
    List<String> phases = Leases.bodies(parent.frames(), childId, "status").stream()
        .map(body -> body.getString("phase")).toList();
    assertEquals(List.of("queued", "started"), phases, parent.frames().toString());
  }

  @Test
  void childWithoutConstraintsInheritsTheParentsExpiry() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Instant parentExpiry = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
    JsonObject submit = Leases.payload("delegator", delegation("spender", spend(1, 0),
        lease("tool.call", "search").put("cost.budget", arr("USD:0.10"))), PARENT)
        .put("lease_constraints", Leases.expiresAt(parentExpiry));
    Run parent = Leases.run(client, submit);
    JsonObject child = payload(acceptedOtherThan(parent.frames(), parent.jobId()).get(0));
    JsonObject constraints = child.getJsonObject("lease_constraints");
    assertNotNull(constraints, "the inherited expiry is echoed: " + child.encode());
    assertEquals(parentExpiry, Instant.parse(constraints.getString("expires_at")));
  }

  @Test
  void childMayExpireEarlierThanItsParent() {
    WireClient client = gateway.session(TestGateway.ALICE);
    Instant childExpiry = Instant.now().plusSeconds(30).truncatedTo(ChronoUnit.SECONDS);
    JsonObject spec = delegation("spender", spend(1, 0), lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.10"))).put("lease_constraints", Leases.expiresAt(childExpiry));
    Run parent = Leases.run(client, Leases.payload("delegator", spec, PARENT)
        .put("lease_constraints", Leases.expiresAt(Instant.now().plusSeconds(60))));
    JsonObject child = payload(acceptedOtherThan(parent.frames(), parent.jobId()).get(0));
    assertEquals(childExpiry, Instant.parse(child.getJsonObject("lease_constraints").getString("expires_at")));
    assertTrue(parent.result().containsKey("result"), parent.result().encode());
  }

  @Test
  void childMayNarrowModelUse() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject childLease = lease("model.use", "tier-fast/a").put("cost.budget", arr("USD:0.10"));
    Run parent = Leases.run(client, Leases.payload("delegator", delegation("echo", 1, childLease),
        lease(PARENT, "model.use", "tier-fast/*").put("agent.delegate", arr("echo"))));
    JsonObject child = payload(acceptedOtherThan(parent.frames(), parent.jobId()).get(0));
    assertEquals(childLease, child.getJsonObject("lease"));
  }

  static Stream<Arguments> refusals() {
    JsonObject budget = lease("cost.budget", "USD:0.10");
    Instant later = Instant.now().plusSeconds(600);
    return Stream.of(
        Arguments.of("tool.call wider than the parent's",
            delegation("spender", spend(1, 0), lease(budget, "tool.call", "*")), "LEASE_SUBSET_VIOLATION"),
        Arguments.of("budget above what the parent has left",
            delegation("spender", spend(1, 0), lease("tool.call", "search").put("cost.budget", arr("USD:5"))),
            "LEASE_SUBSET_VIOLATION"),
        Arguments.of("budget in a currency the parent lacks",
            delegation("spender", spend(1, 0), lease("tool.call", "search")
                .put("cost.budget", arr("USD:0.10", "EUR:0.10"))), "LEASE_SUBSET_VIOLATION"),
        Arguments.of("no budget though the parent's is limited",
            delegation("spender", spend(1, 0), lease("tool.call", "search")), "LEASE_SUBSET_VIOLATION"),
        Arguments.of("a namespace the parent lacks",
            delegation("spender", spend(1, 0), lease(budget, "fs.read", "/ws/**")), "LEASE_SUBSET_VIOLATION"),
        Arguments.of("delegation rights the parent lacks",
            delegation("delegator", new JsonObject(), lease(budget, "agent.delegate", "*")),
            "LEASE_SUBSET_VIOLATION"),
        Arguments.of("expires_at later than the parent's",
            delegation("spender", spend(1, 0), lease(budget, "tool.call", "search"))
                .put("lease_constraints", Leases.expiresAt(later)), "LEASE_SUBSET_VIOLATION"),
        Arguments.of("model.use outside the parent's",
            delegation("spender", spend(1, 0), lease(budget, "model.use", "tier-slow/*")), "LEASE_SUBSET_VIOLATION"),
        Arguments.of("model.use wider than the parent's",
            delegation("spender", spend(1, 0), lease(budget, "model.use", "*/*")), "LEASE_SUBSET_VIOLATION"),
        Arguments.of("an agent agent.delegate does not cover",
            delegation("reader", new JsonObject(), budget), "PERMISSION_DENIED"));
  }

  /**
   * §9.4/§10: a child asking for more than its parent is refused before it exists: a tool_result error on the
   * parent (TypeScript form, wire-notes §9.3) that the agent sees — the delegator answers {@code {error}}.
   */
  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("refusals")
  void widerChildIsRefusedAsAToolResultErrorOnTheParent(String what, JsonObject spec, String code) {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Leases.payload("delegator", spec, lease(PARENT, "model.use", "tier-fast/*"))
        .put("lease_constraints", Leases.expiresAt(Instant.now().plusSeconds(300)));
    Run parent = Leases.run(client, submit);
    assertTrue(acceptedOtherThan(parent.frames(), parent.jobId()).isEmpty(), "no child job: " + parent.frames());
    assertTrue(parent.bodies("delegate").isEmpty(), "no delegate event for a refused delegation");
    List<JsonObject> results = parent.bodies("tool_result");
    assertEquals(1, results.size(), parent.frames().toString());
    JsonObject error = results.get(0).getJsonObject("error");
    assertNotNull(error, results.get(0).encode());
    assertEquals(code, error.getString("code"), results.get(0).encode());
    assertEquals(Boolean.FALSE, error.getBoolean("retryable"));
    assertFalse(results.get(0).getString("call_id", "").isEmpty(), "call_id names the delegation");
    assertEquals(code, parent.result().getJsonObject("error").getString("code"), parent.result().encode());
    assertEquals("success", parent.outcome().getString("final_status"), "the agent handled it");
  }

  // ---- budget moving down and back --------------------------------------------------------------------------

  static JsonObject twice(JsonObject first, JsonObject second) {
    return new JsonObject().put("first", first).put("second", second);
  }

  /** The first child spends 0.20 of 0.50; the 0.30 it did not spend is the parent's again: 0.80 is left. */
  @Test
  void unspentChildBudgetReturnsToTheParent() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject first = delegation("spender", spend(2, 0.1), lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.50")));
    JsonObject exact = delegation("spender", spend(0, 0), lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.80")));
    JsonObject result = Leases.run(client, Leases.payload("twice", twice(first, exact),
        lease(PARENT, "agent.delegate", "spender"))).result();
    assertTrue(result.getJsonObject("first").containsKey("result"), result.encode());
    assertTrue(result.getJsonObject("second").containsKey("result"), "0.80 fits: " + result.encode());

    JsonObject over = delegation("spender", spend(0, 0), lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.81")));
    JsonObject refused = Leases.run(client, Leases.payload("twice", twice(first, over),
        lease(PARENT, "agent.delegate", "spender"))).result();
    assertEquals("LEASE_SUBSET_VIOLATION", refused.getJsonObject("second").getJsonObject("error").getString("code"),
        "0.81 does not fit in what is left: " + refused.encode());
  }

  /**
   * §9.6: with a counter at 0 every operation through the lease fails with BUDGET_EXHAUSTED, {@code agent.delegate}
   * included. The first child spends the parent's whole budget; the second delegation is refused.
   */
  @Test
  void delegatingWithAnExhaustedBudgetIsBudgetExhausted() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject all = delegation("spender", spend(100, 0.5), lease("tool.call", "search")
        .put("cost.budget", arr("USD:1.00")));
    JsonObject more = delegation("spender", spend(0, 0), lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.01")));
    JsonObject result = Leases.run(client, Leases.payload("twice", twice(all, more),
        lease(PARENT, "agent.delegate", "spender"))).result();
    assertEquals(new JsonObject().put("steps", 2).put("stopped", "BUDGET_EXHAUSTED"),
        result.getJsonObject("first").getJsonObject("result"), result.encode());
    JsonObject error = result.getJsonObject("second").getJsonObject("error");
    assertEquals("BUDGET_EXHAUSTED", error == null ? null : error.getString("code"), result.encode());
    assertEquals(Boolean.FALSE, error.getBoolean("retryable"));
  }

  /**
   * Three levels: USD 1.00 → 0.60 → 0.30. Each job.accepted shows its own budget; the grandchild stops at its
   * own budget (0.30 − 0.20 − 0.20: two steps, then BUDGET_EXHAUSTED). Accounting afterwards (the subscribed
   * descriptor's current budget of the still-running top job): 0.60 — each finished child settles with its
   * parent, unspent budget coming back and the grandchild's 0.10 overrun (its last step) charged upwards, so the
   * top job's counter shows what its whole subtree spent (0.40).
   */
  @Test
  void threeLevelChainMovesBudgetDownAndUnspentBudgetBackUp() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject grandchild = delegation("spender", spend(10, 0.2), lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.30")));
    JsonObject middle = delegation("delegator", grandchild, lease("agent.delegate", "spender")
        .put("tool.call", arr("search")).put("cost.budget", arr("USD:0.60")));
    JsonObject top = Leases.accept(client, Leases.payload("holder", middle, PARENT));
    String topId = top.getString("job_id");
    assertEquals(1.0, number(payload(top).getJsonObject("budget"), "USD"), 1e-9);

    List<JsonObject> frames = new ArrayList<>();
    while (true) {
      JsonObject frame = client.next();
      frames.add(frame);
      if (topId.equals(frame.getString("job_id")) && "job.event".equals(type(frame))
          && "status".equals(payload(frame).getString("kind"))
          && "child_done".equals(payload(frame).getJsonObject("body").getString("phase"))) {
        break;
      }
    }
    List<JsonObject> accepted = acceptedOtherThan(frames, topId);
    assertEquals(2, accepted.size(), frames.toString());
    JsonObject mid = payload(accepted.get(0));
    JsonObject low = payload(accepted.get(1));
    assertEquals(topId, mid.getString("parent_job_id"));
    assertEquals(0.6, number(mid.getJsonObject("budget"), "USD"), 1e-9);
    assertEquals(mid.getString("job_id"), low.getString("parent_job_id"));
    assertEquals(0.3, number(low.getJsonObject("budget"), "USD"), 1e-9);

    List<JsonObject> lowFrames = Leases.ofJob(frames, low.getString("job_id"));
    JsonObject lowResult = payload(lowFrames.get(lowFrames.size() - 1)).getJsonObject("result");
    assertEquals(new JsonObject().put("steps", 2).put("stopped", "BUDGET_EXHAUSTED"), lowResult);
    List<JsonObject> midFrames = Leases.ofJob(frames, mid.getString("job_id"));
    assertEquals(new JsonObject().put("result", lowResult),
        payload(midFrames.get(midFrames.size() - 1)).getJsonObject("result"));

    WireClient observer = gateway.session(TestGateway.ALICE);
    observer.send(Leases.subscribe(observer.sessionId(), topId, false));
    JsonObject subscribed = payload(observer.nextOfType("job.subscribed"));
    assertEquals(0.6, number(subscribed.getJsonObject("budget"), "USD"), 1e-9, subscribed.encode());

    client.send(Wire.cancel(client.sessionId(), topId, "done"));
    client.untilTerminal(topId);
  }

  // ---- the parent ending ------------------------------------------------------------------------------------

  @Test
  void cancellingTheParentCancelsItsRunningChild() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject top = Leases.accept(client, Leases.payload("delegator",
        delegation("slow", new JsonObject().put("seconds", 30), new JsonObject()), lease("agent.delegate", "slow")));
    String parentId = top.getString("job_id");
    JsonObject progress = client.nextMatching(f -> "job.event".equals(type(f))
        && "progress".equals(payload(f).getString("kind")), "the child's first progress");
    String childId = progress.getString("job_id");
    assertFalse(parentId.equals(childId));

    client.send(Wire.cancel(client.sessionId(), parentId, "stop everything"));
    List<JsonObject> frames = new ArrayList<>();
    boolean parentDone = false;
    boolean childDone = false;
    while (!parentDone || !childDone) {
      JsonObject frame = client.next();
      frames.add(frame);
      if ("job.error".equals(type(frame)) && frame.containsKey("event_seq")) {
        parentDone |= parentId.equals(frame.getString("job_id"));
        childDone |= childId.equals(frame.getString("job_id"));
      }
    }
    JsonObject childError = Leases.ofJob(frames, childId).stream().filter(f -> "job.error".equals(type(f)))
        .findFirst().orElseThrow();
    assertErrorPayload(payload(childError), "cancelled", "CANCELLED");
    JsonObject parentError = Leases.ofJob(frames, parentId).stream()
        .filter(f -> "job.error".equals(type(f))).findFirst().orElseThrow();
    assertErrorPayload(payload(parentError), "cancelled", "CANCELLED");
    client.expectSilence(Duration.ofMillis(300)); // the slow child ticks every 100 ms: it stopped
  }

  // ---- delegation by submission (Python SDK) ----------------------------------------------------------------

  /** A running parent of alice's: {@code slow} for 30 s with tool.call search and USD 1.00. */
  static String runningParent(WireClient client) {
    JsonObject accepted = Leases.accept(client, Leases.payload("slow", new JsonObject().put("seconds", 30),
        lease("tool.call", "search").put("cost.budget", arr("USD:1.00"))));
    return accepted.getString("job_id");
  }

  static JsonObject childSubmit(String parentId, JsonObject lease) {
    return Leases.payload("spender", spend(1, 0.1), lease).put("parent_job_id", parentId);
  }

  @Test
  void submitWithParentJobIdAndASubsetLeaseIsAcceptedAsAChild() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String parentId = runningParent(owner);
    WireClient other = gateway.session(TestGateway.ALICE);
    JsonObject childLease = lease("tool.call", "search").put("cost.budget", arr("USD:0.50"));
    Run child = Leases.run(other, childSubmit(parentId, childLease));
    JsonObject accepted = payload(child.accepted());
    assertEquals(parentId, accepted.getString("parent_job_id"), accepted.encode());
    assertEquals(childLease, accepted.getJsonObject("lease"));
    assertEquals(0.5, number(accepted.getJsonObject("budget"), "USD"), 1e-9);
    assertEquals(new JsonObject().put("steps", 1).put("stopped", "completed"), child.result());
    owner.send(Wire.cancel(owner.sessionId(), parentId, "done"));
  }

  /** §9.4: the child's budget must fit in the parent's remaining budget at the time of delegation. */
  @Test
  void concurrentChildrenShareTheParentsRemainingBudget() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String parentId = runningParent(owner);
    WireClient other = gateway.session(TestGateway.ALICE);
    JsonObject first = Leases.accept(other, Leases.payload("slow", new JsonObject().put("seconds", 30),
        lease("cost.budget", "USD:0.60")).put("parent_job_id", parentId));
    assertEquals(parentId, payload(first).getString("parent_job_id"));
    // §7.6: the parent's descriptor shows its current counters — the child's 0.60 moved out
    WireClient observer = gateway.session(TestGateway.ALICE);
    observer.send(Leases.subscribe(observer.sessionId(), parentId, false));
    JsonObject subscribed = payload(observer.nextOfType("job.subscribed"));
    assertEquals(0.4, number(subscribed.getJsonObject("budget"), "USD"), 1e-9, subscribed.encode());

    WireClient third = gateway.session(TestGateway.ALICE);
    JsonObject tooMuch = Wire.submit(third.sessionId(), childSubmit(parentId, lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.50"))));
    third.send(tooMuch);
    assertRejectedSubmit(third, tooMuch, "LEASE_SUBSET_VIOLATION");
    JsonObject fits = Leases.accept(third, childSubmit(parentId, lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.40"))));
    assertEquals(parentId, payload(fits).getString("parent_job_id"));
    owner.send(Wire.cancel(owner.sessionId(), parentId, "done"));
  }

  @Test
  void submitWithParentJobIdAndAWiderLeaseIsLeaseSubsetViolation() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String parentId = runningParent(owner);
    WireClient other = gateway.session(TestGateway.ALICE);
    for (JsonObject wider : List.of(lease("tool.call", "*").put("cost.budget", arr("USD:0.10")),
        lease("tool.call", "search").put("cost.budget", arr("USD:1.01")),
        lease("tool.call", "search", "fetch").put("cost.budget", arr("USD:0.10")))) {
      JsonObject submit = Wire.submit(other.sessionId(), childSubmit(parentId, wider));
      other.send(submit);
      assertRejectedSubmit(other, submit, "LEASE_SUBSET_VIOLATION");
    }
    owner.send(Wire.cancel(owner.sessionId(), parentId, "done"));
  }

  @Test
  void anotherPrincipalsParentIsJobNotFound() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    String parentId = runningParent(owner);
    WireClient bob = gateway.session(TestGateway.BOB);
    JsonObject submit = Wire.submit(bob.sessionId(), childSubmit(parentId, lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.10"))));
    bob.send(submit);
    assertRejectedSubmit(bob, submit, "JOB_NOT_FOUND");
    owner.send(Wire.cancel(owner.sessionId(), parentId, "done"));
  }

  @Test
  void unknownOrFinishedParentIsJobNotFound() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject unknown = Wire.submit(client.sessionId(), childSubmit("job_01JZZZZZZZZZZZZZZZZZZZZZZZ",
        lease("tool.call", "search")));
    client.send(unknown);
    assertRejectedSubmit(client, unknown, "JOB_NOT_FOUND");

    String finished = Leases.run(client, Leases.payload("echo", 1, lease("tool.call", "search"))).jobId();
    JsonObject late = Wire.submit(client.sessionId(), childSubmit(finished, lease("tool.call", "search")));
    client.send(late);
    assertRejectedSubmit(client, late, "JOB_NOT_FOUND");
  }
}
