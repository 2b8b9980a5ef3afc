package dev.arcpgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.ClusterNodes;
import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.JobFrames;
import dev.arcpgateway.testing.LeaseAgents;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, routing: two clustered gateway nodes on 127.0.0.1 (Hazelcast TCP-IP, one shared PostgreSQL), an agent
 * that only node B runs, clients on node A.
 */
class ClusterRoutingTest {

  private static final String ONLY_ON_B = "gate-b";

  private final ClusterNodes cluster = new ClusterNodes(2);

  @AfterEach
  void close() {
    cluster.close();
  }

  private static AgentRegistration gateOnB() {
    return AgentRegistration.of(ONLY_ON_B, "1.0.0", new GateAgent());
  }

  private static boolean lists(JsonArray agents, String name) {
    return agents.stream().map(JsonObject.class::cast).anyMatch(agent -> name.equals(agent.getString("name")));
  }

  private static JsonArray welcomedAgents(WireClient client) {
    return client.welcome().getJsonObject("payload").getJsonObject("capabilities").getJsonArray("agents");
  }

  @Test
  void anAgentOfNodeBIsInNodeAsWelcomeUntilBLeaves() throws Exception {
    TestGateway a = cluster.start(List.of());
    TestGateway b = cluster.start(List.of(gateOnB()));
    assertTrue(lists(welcomedAgents(a.session(TestGateway.ALICE)), ONLY_ON_B), "A lists B's agent");

    Promise<Void> gone = Promise.promise();
    MessageConsumer<JsonObject> inventory = a.vertx().eventBus().localConsumer(Addresses.AGENT_INVENTORY,
        message -> {
          if (!lists(message.body().getJsonArray("agents"), ONLY_ON_B)) {
            gone.tryComplete();
          }
        });
    inventory.completion().await(10, TimeUnit.SECONDS);
    cluster.stop(b);
    gone.future().await(20, TimeUnit.SECONDS);
    assertFalse(lists(welcomedAgents(a.session(TestGateway.ALICE)), ONLY_ON_B), "B's agent left with B");
    assertTrue(lists(welcomedAgents(a.session(TestGateway.ALICE)), "echo"), "A's own agents stay");
  }

  @Test
  void aJobSubmittedOnARunsOnBsAgentAndItsEventsReachAInOrder() {
    TestGateway a = cluster.start(List.of());
    cluster.start(List.of(gateOnB()));
    WireClient client = a.session(TestGateway.ALICE);
    String request = client.submit(ONLY_ON_B, GateAgent.input("cross"));
    String jobId = client.expectAccepted(request).getString("job_id");
    GateAgent.emit(a.vertx(), "cross", 5);
    // a job's addresses cost the cluster manager nothing: the job crosses nodes through their mailboxes
    Set<String> clustered = clusteredAddresses(a);
    assertTrue(clustered.stream().noneMatch(address -> address.contains(jobId)), clustered.toString());
    assertTrue(clustered.stream().anyMatch(address -> address.startsWith("arcp.node.")), clustered.toString());
    GateAgent.finish(a.vertx(), "cross");
    List<JsonObject> frames = client.untilTerminal(jobId);
    List<String> logs = frames.stream().filter(f -> "job.event".equals(f.getString("type")))
        .map(f -> f.getJsonObject("payload")).filter(p -> "log".equals(p.getString("kind")))
        .map(p -> p.getJsonObject("body").getString("message")).toList();
    assertEquals(List.of("step 0", "step 1", "step 2", "step 3", "step 4"), logs, frames.toString());
    JsonObject result = frames.get(frames.size() - 1);
    assertEquals("job.result", result.getString("type"), result.encode());
    assertEquals(5, result.getJsonObject("payload").getJsonObject("result").getInteger("steps"), result.encode());
  }

  /** Every address some node consumes cluster-wide, as Vert.x records them in Hazelcast. */
  private static Set<String> clusteredAddresses(TestGateway node) {
    HazelcastClusterManager manager = (HazelcastClusterManager) ((VertxInternal) node.vertx()).clusterManager();
    return Set.copyOf(manager.getHazelcastInstance().getMultiMap("__vertx.subs").keySet().stream()
        .map(String::valueOf).toList());
  }

  @Test
  void nodeBListsAndCancelsThePrincipalsJobRunningOnA() {
    TestGateway a = cluster.start(List.of(GateAgent.registration()));
    TestGateway b = cluster.start(List.of());
    WireClient onA = a.session(TestGateway.ALICE);
    String jobId = onA.expectAccepted(onA.submit(GateAgent.NAME, GateAgent.input("far"))).getString("job_id");
    GateAgent.emit(a.vertx(), "far", 1);

    WireClient onB = b.session(TestGateway.ALICE);
    onB.send(Continuity.listJobs(onB.sessionId(), new JsonObject()));
    JsonObject jobs = onB.nextOfType("session.jobs");
    assertTrue(jobs.getJsonObject("payload").getJsonArray("jobs").stream().map(JsonObject.class::cast)
        .anyMatch(job -> jobId.equals(job.getString("job_id"))), jobs.encode());

    onB.send(Wire.frame("job.cancel", onB.sessionId(), new JsonObject().put("reason", "from B"))
        .put("job_id", jobId));
    onB.nextOfType("job.cancelled");
    List<JsonObject> frames = onA.untilTerminal(jobId);
    JsonObject terminal = frames.get(frames.size() - 1);
    assertEquals("job.error", terminal.getString("type"), terminal.encode());
    assertEquals("CANCELLED", terminal.getJsonObject("payload").getString("code"), terminal.encode());
  }

  @Test
  void whatIsSentToASessionHeldOnBStaysOnBThoughAnotherNodeStillListsAConsumerOfIt() throws Exception {
    TestGateway a = cluster.start(List.of());
    TestGateway b = cluster.start(List.of());
    WireClient onB = b.session(TestGateway.ALICE);
    // what a node that held the session and died leaves listed for a while: a consumer that never passes anything on
    a.vertx().eventBus().<JsonObject>consumer(Addresses.session(onB.sessionId()), lost -> { }).completion()
        .await(10, TimeUnit.SECONDS);
    for (int i = 0; i < 6; i++) { // the client's submit and the job's frames, each of which could pick A
      String jobId = onB.expectAccepted(onB.submit("echo", "round " + i)).getString("job_id");
      assertEquals(jobId, onB.nextOfType("job.result").getString("job_id"));
    }
  }

  @Test
  void whenNodeADropsOutItsJobsEndRetryableAndItsClientResumesOnB() {
    TestGateway a = cluster.start(List.of(GateAgent.registration()));
    TestGateway b = cluster.start(List.of());
    WireClient onA = a.session(TestGateway.ALICE);
    String jobId = onA.expectAccepted(onA.submit(GateAgent.NAME, GateAgent.input("lost"))).getString("job_id");
    GateAgent.emit(a.vertx(), "lost", 1);
    long lastSeq = onA.nextOfType("job.event").getLong("event_seq");
    String resumeToken = Continuity.resumeToken(onA);
    onA.drop();

    // A's process goes on marking its jobs in the store: only B seeing A leave the cluster can end this one
    cluster.lose(a);
    WireClient onB = WireClient.connect(b.vertx(), b.port());
    onB.send(Continuity.sessionResume(onA.sessionId(), resumeToken, lastSeq));
    onB.expect("session.welcome");
    List<JsonObject> frames = onB.untilTerminal(jobId);
    JsonObject terminal = frames.get(frames.size() - 1);
    JsonObject error = terminal.getJsonObject("payload");
    assertEquals("job.error", terminal.getString("type"), terminal.encode());
    assertEquals("INTERNAL_ERROR", error.getString("code"), terminal.encode());
    assertEquals(true, error.getBoolean("retryable"), terminal.encode());
    assertEquals(lastSeq + frames.size(), terminal.getLong("event_seq"), "gap-free after the resume point");
  }

  @Test
  void whenNodeADropsOutTheAgentOnBRunningItsJobIsToldToStop() throws Exception {
    Promise<Void> running = Promise.promise();
    Promise<Void> stopped = Promise.promise();
    AgentRegistration untilStopped = AgentRegistration.of("until-stopped", "1.0.0", job -> {
      running.tryComplete();
      job.whenCancelled().onComplete(v -> stopped.tryComplete());
      return Promise.promise().future(); // runs until told to stop
    });
    TestGateway a = cluster.start(List.of());
    cluster.start(List.of(untilStopped));
    WireClient onA = a.session(TestGateway.ALICE);
    onA.expectAccepted(onA.submit("until-stopped", new JsonObject()));
    running.future().await(10, TimeUnit.SECONDS);
    onA.drop();

    cluster.lose(a);
    stopped.future().await(20, TimeUnit.SECONDS); // else B's agent would hold the job (and its slot) forever
  }

  @Test
  void aSessionOnBSubscribesToAJobRunningOnA() {
    TestGateway a = cluster.start(List.of(GateAgent.registration()));
    TestGateway b = cluster.start(List.of());
    WireClient onA = a.session(TestGateway.ALICE);
    String jobId = onA.expectAccepted(onA.submit(GateAgent.NAME, GateAgent.input("watched"))).getString("job_id");
    GateAgent.emit(a.vertx(), "watched", 2);

    WireClient onB = b.session(TestGateway.ALICE);
    onB.send(Continuity.subscribe(onB.sessionId(), jobId, true, null));
    List<JsonObject> frames = new java.util.ArrayList<>();
    for (JsonObject frame = onB.next(); !"job.subscribed".equals(frame.getString("type")); frame = onB.next()) {
      frames.add(frame); // history may come before the answer
    }
    GateAgent.emit(a.vertx(), "watched", 1);
    GateAgent.finish(a.vertx(), "watched");
    frames.addAll(onB.untilTerminal(jobId));
    List<String> seen = frames.stream()
        .filter(f -> "job.event".equals(f.getString("type")) && jobId.equals(f.getString("job_id")))
        .map(f -> f.getJsonObject("payload")).filter(p -> "log".equals(p.getString("kind")))
        .map(p -> p.getJsonObject("body").getString("message")).toList();
    assertEquals(List.of("step 0", "step 1", "step 2"), seen, "history, then what came after, in order");
  }

  @Test
  void theLeaseOfAJobSubmittedOnAIsEnforcedForItsAgentOnB() {
    TestGateway a = cluster.start(List.of());
    cluster.start(LeaseAgents.all());
    JsonObject input = new JsonObject()
        .put("metrics", new JsonArray().add(new JsonObject().put("name", "cost.search").put("value", 0.25)
            .put("unit", "USD")))
        .put("authorize", Leases.arr("tool.call", "delete"));
    Leases.Run run = Leases.run(a.session(TestGateway.ALICE), Leases.payload("metered", input,
        Leases.lease("tool.call", "search").put("cost.budget", Leases.arr("USD:1.00"))));
    assertEquals("ok", run.result().getJsonArray("metrics").getString(0), run.result().encode());
    assertEquals("PERMISSION_DENIED", run.result().getString("authorize"), "a tool outside the lease");
    assertEquals(List.of(0.75), Leases.remaining(run.frames(), run.jobId(), "USD"), run.frames().toString());
  }

  /** A node whose bridge takes the agent {@code bridged-b}. */
  private TestGateway startWithBridge() {
    return cluster.start(List.of(), options -> options.setBridge(new JsonObject().put("port", 0)
        .put("tokens", new JsonArray().add(new JsonObject().put("token", "agent-secret").put("name", "b-agents")
            .put("agents", new JsonArray().add("bridged-b"))))));
  }

  /** {@code bridged-b}, one job at a time, connected to {@code node}'s bridge. */
  private static BridgeSocket bridgedAgentOn(TestGateway node) {
    return BridgeSocket.announced(node.gateway().bridgePort(), "agent-secret", "bridged-b", "1.0.0", 1);
  }

  @Test
  void aJobSubmittedOnARunsOnABridgedAgentConnectedToB() {
    TestGateway a = cluster.start(List.of());
    TestGateway b = startWithBridge();
    try (BridgeSocket agent = bridgedAgentOn(b)) {
      WireClient client = a.session(TestGateway.ALICE);
      assertTrue(lists(welcomedAgents(client), "bridged-b"), "A lists the agent connected to B");
      String jobId = client.expectAccepted(client.submit("bridged-b", new JsonObject())).getString("job_id");
      JsonObject dispatch = agent.nextInbox();
      assertEquals("dispatch", dispatch.getString("op"), dispatch.encode());
      assertEquals(jobId, dispatch.getString("job_id"));
      String job = Addresses.job(jobId);
      String token = dispatch.getString("job_token");
      for (int i = 0; i < 3; i++) {
        agent.sendTo(job, new JsonObject().put("op", "event").put("kind", "log").put("job_token", token)
            .put("body", new JsonObject().put("level", "info").put("message", "bridged " + i)));
      }
      agent.sendTo(job, new JsonObject().put("op", "result").put("result", "done on B").put("job_token", token));
      List<JsonObject> frames = client.untilTerminal(jobId);
      List<String> logs = frames.stream().filter(f -> "job.event".equals(f.getString("type")))
          .map(f -> f.getJsonObject("payload")).filter(p -> "log".equals(p.getString("kind")))
          .map(p -> p.getJsonObject("body").getString("message")).toList();
      assertEquals(List.of("bridged 0", "bridged 1", "bridged 2"), logs, frames.toString());
      JsonObject result = frames.get(frames.size() - 1);
      assertEquals("job.result", result.getString("type"), result.encode());
      assertEquals("done on B", result.getJsonObject("payload").getString("result"), result.encode());
    }
  }

  /**
   * A job submitted on A that waits for B's busy bridged agent hears its cancel there: it ends cancelled and is
   * never dispatched: the slot it frees goes to the next job.
   */
  @Test
  void aJobWaitingForABusyAgentOnBIsCancelledFromAAndNeverDispatched() {
    TestGateway a = cluster.start(List.of());
    TestGateway b = startWithBridge();
    try (BridgeSocket agent = bridgedAgentOn(b)) {
      WireClient client = a.session(TestGateway.ALICE);
      String first = client.expectAccepted(client.submit("bridged-b", new JsonObject())).getString("job_id");
      JsonObject dispatch = agent.nextInbox();
      assertEquals(first, dispatch.getString("job_id"), dispatch.encode());
      String waiting = client.expectAccepted(client.submit("bridged-b", new JsonObject())).getString("job_id");
      client.send(Wire.cancel(client.sessionId(), waiting, "not needed"));
      JsonObject ended = JobFrames.last(client.untilTerminal(waiting));
      JobFrames.assertErrorPayload(JobFrames.payload(ended), "cancelled", "CANCELLED");
      agent.sendTo(Addresses.job(first), new JsonObject().put("op", "result").put("result", "one")
          .put("job_token", dispatch.getString("job_token")));
      client.untilTerminal(first);
      // the freed slot takes the next job submitted, not the cancelled one
      String next = client.expectAccepted(client.submit("bridged-b", new JsonObject())).getString("job_id");
      JsonObject taken = agent.nextInbox();
      assertEquals(next, taken.getString("job_id"), "the cancelled job " + waiting + " was dispatched on B after all: "
          + taken.encode());
    }
  }
}
