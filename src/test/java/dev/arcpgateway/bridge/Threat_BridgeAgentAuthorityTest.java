package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.bodies;
import static dev.arcpgateway.bridge.BridgeFixtures.submit;
import static dev.arcpgateway.bridge.BridgeFixtures.success;
import static dev.arcpgateway.bridge.BridgeFixtures.untilTerminal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a bridged agent may do with a job (issue 8 items 2 and 4): on a job dispatched to it, exactly the agent
 * operations of docs/agent-protocol.md §4; anything else, and anything on a job that is not its own (another
 * connection's, ended or unknown), is refused with the same PERMISSION_DENIED on the request's reply address and
 * never reaches the job.
 */
@ExtendWith(VertxExtension.class)
class Threat_BridgeAgentAuthorityTest {

  /** The gateway's own operations on a job address: sessions, the lease verticle and parent jobs send these. */
  static final List<String> SESSION_OPS = List.of("subscribe", "unsubscribe", "throttle", "cancel", "child_ended",
      "credential_rotated", "lease_expired", "parent_ended", "dispatch", "no-such-op");

  static TestGateway gateway;
  static int port;
  static int agentCounter;
  final List<BridgeSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = BridgeFixtures.gateway(vertx);
    port = gateway.gateway().bridgePort();
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(BridgeSocket::close);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** A raw agent process announcing a fresh name. */
  BridgeSocket agent(String name) {
    BridgeSocket socket = BridgeSocket.announced(port, BridgeFixtures.AGENT_TOKEN, name, "1.0.0", 0);
    sockets.add(socket);
    return socket;
  }

  String freshName() {
    return "authority-" + (++agentCounter);
  }

  /** An agent process of a fresh name, a job of {@code client}'s dispatched to it, and that dispatch. */
  private record AgentJob(BridgeSocket agent, String jobId, JsonObject dispatch) {
  }

  private AgentJob agentWithAJob(WireClient client) {
    String name = freshName();
    BridgeSocket socket = agent(name);
    String jobId = submit(client, name, new JsonObject(), null);
    return new AgentJob(socket, jobId, socket.nextInbox());
  }

  /** The ARCP error of a refused request, checking it is the bridge's err frame on the reply address. */
  static JsonObject refusal(JsonObject frame, String replyAddress) {
    assertEquals("err", frame.getString("type"), frame.encode());
    assertEquals(replyAddress, frame.getString("address"), frame.encode());
    assertEquals(4000, frame.getInteger("failureCode"), frame.encode());
    return new JsonObject(frame.getString("message"));
  }

  @Test
  void sessionOperationsOnItsOwnJobAreRefusedAndNeverReachTheJob() {
    String name = freshName();
    BridgeSocket agent = agent(name);
    WireClient alice = gateway.session(TestGateway.ALICE);
    WireClient bob = gateway.session(TestGateway.BOB);
    String jobId = submit(alice, name, new JsonObject(), null);
    JsonObject dispatch = agent.nextInbox();
    String address = "arcp.job." + jobId;
    String token = dispatch.getString("job_token");

    int n = 0;
    for (String op : SESSION_OPS) {
      // with the fields a session would send: another principal's session, as the job's own principal
      JsonObject body = new JsonObject().put("op", op).put("job_token", token).put("session_id", bob.sessionId())
          .put("principal", "alice").put("request_id", "r-" + op).put("history", true).put("slow", true)
          .put("id", "cred-1").put("value", "stolen").put("parent_job_id", jobId);
      String reply = "own-" + (++n);
      JsonObject error = refusal(agent.request(address, body, reply), reply);
      assertEquals("PERMISSION_DENIED", error.getString("code"), op + ": " + error.encode());
    }
    // without a reply address the frame is blocked as well (an err frame, nothing delivered)
    agent.sendTo(address, new JsonObject().put("op", "subscribe").put("job_token", token)
        .put("session_id", bob.sessionId()).put("principal", "alice"));
    assertEquals("err", agent.next().getString("type"));
    // a body without an op is not an agent operation either
    assertEquals("PERMISSION_DENIED", refusal(agent.request(address, new JsonObject().put("job_token", token),
        "bare-2"), "bare-2").getString("code"));

    // the job is unaffected: its events and result still flow, and nobody else heard of it
    agent.sendTo(address, new JsonObject().put("op", "event").put("job_token", token).put("kind", "log")
        .put("body", new JsonObject().put("level", "info").put("message", "still here")));
    agent.sendTo(address, new JsonObject().put("op", "result").put("job_token", token).put("result", "fine"));
    List<JsonObject> frames = untilTerminal(alice, jobId);
    assertEquals("fine", success(frames).getString("result"));
    assertEquals(List.of("still here"), bodies(frames, "log").stream().map(b -> b.getString("message")).toList());
    assertFalse(frames.toString().contains("job.subscribed") || frames.toString().contains("job.cancelled"),
        frames.toString());
    alice.expectSilence(Duration.ofMillis(200));
    bob.expectSilence(Duration.ofMillis(200));
  }

  @Test
  void requestsToTheGatewaysOwnAddressesAreRefusedAndNeverDelivered() {
    String victimName = freshName();
    BridgeSocket victim = agent(victimName);
    WireClient bob = gateway.session(TestGateway.BOB);
    BridgeSocket hostile = agent(freshName());
    List<String> addresses = List.of("arcp.agent." + victimName + "@1.0.0", "arcp.agents.registry", "arcp.lease",
        "arcp.job.submit", "arcp.session." + bob.sessionId(), "arcp.bridge.inbox." + "a".repeat(24));
    int n = 0;
    for (String address : addresses) {
      String reply = "gw-" + (++n);
      JsonObject error = refusal(hostile.request(address, new JsonObject().put("op", "dispatch")
          .put("job_id", "job_01JZZZZZZZZZZZZZZZZZZZZZZZ").put("provider", "anyone"), reply), reply);
      assertEquals("PERMISSION_DENIED", error.getString("code"), address + ": " + error.encode());
    }
    assertEquals(null, victim.poll(Duration.ofMillis(200)), "nothing reached the victim's process");
    bob.expectSilence(Duration.ofMillis(200));
  }

  @Test
  void unknownForeignAndEndedJobsAnswerTheSamePermissionDenied() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    AgentJob foreignOne = agentWithAJob(alice);
    BridgeSocket victim = foreignOne.agent();
    String foreignJob = foreignOne.jobId();
    JsonObject foreignDispatch = foreignOne.dispatch();
    AgentJob own = agentWithAJob(alice);
    BridgeSocket hostile = own.agent();
    String endedJob = own.jobId();
    JsonObject ownDispatch = own.dispatch();
    hostile.sendTo("arcp.job." + endedJob, new JsonObject().put("op", "result")
        .put("job_token", ownDispatch.getString("job_token")).put("result", 1));
    success(untilTerminal(alice, endedJob));

    JsonObject authorize = new JsonObject().put("op", "authorize").put("capability", "fs.read")
        .put("resource", "/etc/passwd");
    JsonObject foreign = refusal(hostile.request("arcp.job." + foreignJob,
        authorize.copy().put("job_token", foreignDispatch.getString("job_token")), "foreign"), "foreign");
    JsonObject unknown = refusal(hostile.request("arcp.job.job_01JZZZZZZZZZZZZZZZZZZZZZZZ",
        authorize.copy().put("job_token", "jt_guess"), "unknown"), "unknown");
    JsonObject ended = refusal(hostile.request("arcp.job." + endedJob,
        authorize.copy().put("job_token", ownDispatch.getString("job_token")), "ended"), "ended");
    JsonObject malformed = refusal(hostile.request("arcp.job.not-a-job-id", authorize, "malformed"), "malformed");
    assertEquals("PERMISSION_DENIED", foreign.getString("code"), foreign.encode());
    assertEquals(foreign, unknown, "an unknown job answers exactly as another connection's job");
    assertEquals(foreign, ended, "an ended job answers exactly as another connection's job");
    assertEquals(foreign, malformed, "a malformed job address answers exactly as another connection's job");

    // the refused requests reached nobody: the victim's job still runs normally and its agent got nothing
    assertEquals(null, victim.poll(Duration.ofMillis(200)), "the victim's connection heard nothing");
    victim.sendTo("arcp.job." + foreignJob, new JsonObject().put("op", "result")
        .put("job_token", foreignDispatch.getString("job_token")).put("result", "victim"));
    assertEquals("victim", success(untilTerminal(alice, foreignJob)).getString("result"));
  }

  /**
   * The agent's result is its last word: a request it sends right behind it, before the job runner's "ended" can
   * have reached the bridge, is refused exactly like one to another connection's job — not answered by the
   * job's lease, nor failed as "no handler" while the job's consumer goes away.
   */
  @Test
  void aRequestRightBehindTheAgentsResultIsRefusedAsForAJobNotRunningThere() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    AgentJob foreignOne = agentWithAJob(alice);
    String foreignJob = foreignOne.jobId();
    JsonObject foreignDispatch = foreignOne.dispatch();
    AgentJob own = agentWithAJob(alice);
    BridgeSocket agent = own.agent();
    String job = own.jobId();
    String token = own.dispatch().getString("job_token");
    JsonObject authorize = new JsonObject().put("op", "authorize").put("capability", "fs.read")
        .put("resource", "/etc/passwd");
    agent.sendTo("arcp.job." + job, new JsonObject().put("op", "result").put("job_token", token).put("result", 1));
    JsonObject late = refusal(agent.request("arcp.job." + job, authorize.copy().put("job_token", token), "late"),
        "late");
    JsonObject foreign = refusal(agent.request("arcp.job." + foreignJob,
        authorize.copy().put("job_token", foreignDispatch.getString("job_token")), "foreign"), "foreign");
    assertEquals(foreign, late, "a request after the result answers exactly as one to another connection's job");
    success(untilTerminal(alice, job));
  }
}
