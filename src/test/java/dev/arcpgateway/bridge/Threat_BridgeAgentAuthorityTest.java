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
    String address() {
      return "arcp.job." + jobId;
    }

    String token() {
      return dispatch.getString("job_token");
    }
  }

  /** An agent's request to read /etc/passwd for the job holding {@code jobToken}. */
  private static JsonObject authorize(String jobToken) {
    return new JsonObject().put("op", "authorize").put("capability", "fs.read").put("resource", "/etc/passwd")
        .put("job_token", jobToken);
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
    AgentJob victim = agentWithAJob(alice);
    AgentJob ended = agentWithAJob(alice);
    BridgeSocket hostile = ended.agent();
    hostile.sendTo(ended.address(), new JsonObject().put("op", "result").put("job_token", ended.token())
        .put("result", 1));
    success(untilTerminal(alice, ended.jobId()));

    JsonObject foreign = refusal(hostile.request(victim.address(), authorize(victim.token()), "foreign"), "foreign");
    JsonObject unknown = refusal(hostile.request("arcp.job.job_01JZZZZZZZZZZZZZZZZZZZZZZZ",
        authorize("jt_guess"), "unknown"), "unknown");
    JsonObject afterEnd = refusal(hostile.request(ended.address(), authorize(ended.token()), "ended"), "ended");
    JsonObject malformed = refusal(hostile.request("arcp.job.not-a-job-id", authorize(null), "malformed"),
        "malformed");
    assertEquals("PERMISSION_DENIED", foreign.getString("code"), foreign.encode());
    assertEquals(foreign, unknown, "an unknown job answers exactly as another connection's job");
    assertEquals(foreign, afterEnd, "an ended job answers exactly as another connection's job");
    assertEquals(foreign, malformed, "a malformed job address answers exactly as another connection's job");

    // the refused requests reached nobody: the victim's job still runs normally and its agent got nothing
    assertEquals(null, victim.agent().poll(Duration.ofMillis(200)), "the victim's connection heard nothing");
    victim.agent().sendTo(victim.address(), new JsonObject().put("op", "result").put("job_token", victim.token())
        .put("result", "victim"));
    assertEquals("victim", success(untilTerminal(alice, victim.jobId())).getString("result"));
  }

  /**
   * The agent's result is its last word: a request it sends right behind it, before the job runner's "ended" can
   * have reached the bridge, is refused exactly like one to another connection's job — not answered by the
   * job's lease, nor failed as "no handler" while the job's consumer goes away.
   */
  @Test
  void aRequestRightBehindTheAgentsResultIsRefusedAsForAJobNotRunningThere() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    AgentJob other = agentWithAJob(alice);
    AgentJob own = agentWithAJob(alice);
    BridgeSocket agent = own.agent();
    agent.sendTo(own.address(), new JsonObject().put("op", "result").put("job_token", own.token()).put("result", 1));
    JsonObject late = refusal(agent.request(own.address(), authorize(own.token()), "late"), "late");
    JsonObject foreign = refusal(agent.request(other.address(), authorize(other.token()), "foreign"), "foreign");
    assertEquals(foreign, late, "a request after the result answers exactly as one to another connection's job");
    success(untilTerminal(alice, own.jobId()));
  }
}
