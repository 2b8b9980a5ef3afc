package dev.arcpgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.ClusterNodes;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, graceful leave: a node told to stop (SIGTERM's drain, {@code Gateway.close()}) hands over. From the
 * moment it starts draining its agents take no more jobs, so the other nodes' jobs go to their own agents; the
 * jobs it runs — for its own clients and for other nodes' — finish; only then does it leave the cluster.
 */
class ClusterDrainTest {

  private static final String WHERE = "where";

  private final ClusterNodes cluster = new ClusterNodes(2);

  @AfterEach
  void close() {
    cluster.close();
  }

  /** {@code where@1.0.0}: answers with the name of the node it runs on. */
  private static AgentRegistration where(String node) {
    return AgentRegistration.of(WHERE, "1.0.0", job -> Future.succeededFuture(node));
  }

  private static JsonObject lastOf(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  @Test
  void aDrainingNodeTakesNoNewJobsFinishesItsRunningOnesThenLeaves() throws Exception {
    TestGateway a = cluster.start(List.of(GateAgent.registration(), where("A")), options -> options
        .setDrainTimeoutSec(30));
    TestGateway b = cluster.start(List.of(where("B")));
    WireClient onA = a.session(TestGateway.ALICE);
    WireClient onB = b.session(TestGateway.ALICE);
    // one job of A's own client and one of B's client, both on A's agent, running when the drain starts
    String ownJob = onA.expectAccepted(onA.submit(GateAgent.NAME, GateAgent.input("own"))).getString("job_id");
    String hostedJob = onB.expectAccepted(onB.submit(GateAgent.NAME, GateAgent.input("hosted"))).getString("job_id");
    GateAgent.emit(a.vertx(), "own", 1);
    GateAgent.emit(a.vertx(), "hosted", 1);

    Future<Void> drained = a.gateway().close();
    assertTrue(a.gateway().draining());
    a.gateway().handedOver().await(10, TimeUnit.SECONDS);

    WireClient another = b.session(TestGateway.ALICE);
    for (int i = 0; i < 4; i++) { // B's jobs no longer reach A's where, though the bus would share them out
      String jobId = another.expectAccepted(another.submit(WHERE, "?")).getString("job_id");
      JsonObject result = lastOf(another.untilTerminal(jobId));
      assertEquals("job.result", result.getString("type"), result.encode());
      assertEquals("B", result.getJsonObject("payload").getString("result"), "job " + i + " ran on the draining A");
    }
    assertTrue(!drained.isComplete(), "A waits for the jobs it runs");

    GateAgent.finish(a.vertx(), "own");
    JsonObject own = lastOf(onA.untilTerminal(ownJob));
    assertEquals("job.result", own.getString("type"), own.encode());
    // A's own jobs are done; B's job on A's agent still runs, and A stays until it is done too
    GateAgent.emit(a.vertx(), "hosted", 1);
    GateAgent.finish(a.vertx(), "hosted");
    JsonObject hosted = lastOf(onB.untilTerminal(hostedJob));
    assertEquals("job.result", hosted.getString("type"), "B's job on A's agent finished: " + hosted.encode());
    drained.await(20, TimeUnit.SECONDS);
    String nodeA = ClusterMembership.of(a.vertx()).nodeId();
    Promise<String> left = Promise.promise();
    Runnable stopWatching = ClusterMembership.of(b.vertx()).onLeft(left::tryComplete);
    cluster.stop(a); // SIGTERM's drain is followed by closing Vert.x, which leaves the cluster
    assertEquals(nodeA, left.future().await(20, TimeUnit.SECONDS), "B saw A leave");
    stopWatching.run();
  }

  @Test
  void aDrainingNodesBridgedProcessesTakeNoNewJobsAndFinishTheirRunningOnes() throws Exception {
    Consumer<GatewayOptions> bridge = options -> options
        .setDrainTimeoutSec(30).setBridge(new JsonObject().put("port", 0).put("tokens", new JsonArray()
            .add(new JsonObject().put("token", "agent-secret").put("name", "processes")
                .put("agents", new JsonArray().add("bw")))));
    TestGateway a = cluster.start(List.of(), bridge);
    TestGateway b = cluster.start(List.of(), bridge);
    WireClient onB = b.session(TestGateway.ALICE);
    try (BridgeSocket onA = BridgeSocket.announced(a.gateway().bridgePort(), "agent-secret", "bw", "1.0.0", 0)) {
      String runningJob = onB.expectAccepted(onB.submit("bw", new JsonObject())).getString("job_id");
      JsonObject running = onA.nextInbox();
      assertEquals(runningJob, running.getString("job_id"), running.encode());
      try (BridgeSocket alsoOnB = BridgeSocket.announced(b.gateway().bridgePort(), "agent-secret", "bw", "1.0.0",
          0)) {
        Future<Void> drained = a.gateway().close();
        a.gateway().handedOver().await(10, TimeUnit.SECONDS);
        AssertionError refused = assertThrows(AssertionError.class, () -> BridgeSocket.announced(
            a.gateway().bridgePort(), "agent-secret", "bw", "1.0.0", 0), "a process announcing on draining A");
        assertTrue(refused.getMessage().contains("shutting down"), refused.getMessage());

        WireClient another = b.session(TestGateway.ALICE);
        for (int i = 0; i < 4; i++) { // every new job goes to the process on B
          String jobId = another.expectAccepted(another.submit("bw", new JsonObject())).getString("job_id");
          JsonObject dispatch = alsoOnB.nextInbox();
          assertEquals(jobId, dispatch.getString("job_id"), "job " + i + ": " + dispatch.encode());
          alsoOnB.sendTo(Addresses.job(jobId), new JsonObject().put("op", "result").put("result", "B")
              .put("job_token", dispatch.getString("job_token")));
          assertEquals("job.result", lastOf(another.untilTerminal(jobId)).getString("type"));
        }

        onA.sendTo(Addresses.job(runningJob), new JsonObject().put("op", "result").put("result", "A")
            .put("job_token", running.getString("job_token")));
        JsonObject result = lastOf(onB.untilTerminal(runningJob));
        assertEquals("job.result", result.getString("type"), "the job on A's process finished: " + result.encode());
        drained.await(20, TimeUnit.SECONDS);
      }
    }
  }
}
