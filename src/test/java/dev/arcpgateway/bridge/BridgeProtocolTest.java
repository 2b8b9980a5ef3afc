package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.bodies;
import static dev.arcpgateway.bridge.BridgeFixtures.submit;
import static dev.arcpgateway.bridge.BridgeFixtures.success;
import static dev.arcpgateway.bridge.BridgeFixtures.untilTerminal;
import static dev.arcpgateway.testing.JobFrames.assertErrorPayload;
import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent protocol of docs/agent-protocol.md, frame by frame, with a raw socket as the agent: the announce
 * answer, inbox naming, the dispatch body, the answers to requests, event and chunk rules, fail, delegation, and
 * what happens to frames sent after a cancel.
 */
@ExtendWith(VertxExtension.class)
class BridgeProtocolTest {

  static final long DISPATCH_WAIT_MS = 2_000;
  static TestGateway gateway;
  static int port;
  final List<BridgeSocket> sockets = new ArrayList<>();
  static int agentCounter;

  @BeforeAll
  static void start(Vertx vertx) {
    // a short request timeout bounds how long a dispatch may wait for a busy process
    gateway = BridgeFixtures.gateway(vertx, b -> { }, options -> options.setRequestTimeoutMs(DISPATCH_WAIT_MS));
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

  /** A raw agent announcing a fresh agent name; returns it with the name in {@link Agent#name}. */
  Agent agent() {
    String name = "raw-" + (++agentCounter);
    BridgeSocket socket = BridgeSocket.announced(port, BridgeFixtures.AGENT_TOKEN, name, "1.0.0", 0);
    sockets.add(socket);
    return new Agent(name, socket);
  }

  record Agent(String name, BridgeSocket socket) {
    /** Waits for the next dispatch and returns its body. */
    JsonObject dispatch() {
      JsonObject body = socket.nextInbox();
      assertEquals("dispatch", body.getString("op"), body.encode());
      return body;
    }

    void send(JsonObject dispatch, JsonObject body) {
      socket.sendTo("arcp.job." + dispatch.getString("job_id"), body.put("job_token", dispatch.getString("job_token")));
    }

    JsonObject request(JsonObject dispatch, JsonObject body, String replyAddress) {
      return socket.request("arcp.job." + dispatch.getString("job_id"),
          body.put("job_token", dispatch.getString("job_token")), replyAddress);
    }
  }

  static JsonObject log(String level, String message) {
    return logBody(level, message).put("op", "event");
  }

  /** A log event as one of an {@code events} batch carries it: no op of its own. */
  static JsonObject logBody(String level, String message) {
    return new JsonObject().put("kind", "log")
        .put("body", new JsonObject().put("level", level).put("message", message));
  }

  static JsonObject arcpError(JsonObject err) {
    assertEquals("err", err.getString("type"), err.encode());
    return new JsonObject(err.getString("message"));
  }

  @Test
  void theAnnounceIsAnsweredWithProviderAgentAndHeartbeat() {
    BridgeSocket socket = BridgeSocket.connect(port);
    sockets.add(socket);
    socket.register(BridgeFixtures.AGENT_TOKEN);
    JsonObject answer = socket.request("arcp.bridge.announce", new JsonObject().put("name", "announced")
        .put("version", "2.1.0").put("inbox", socket.inbox), "announce-1");
    assertEquals("message", answer.getString("type"), answer.encode());
    JsonObject body = answer.getJsonObject("body");
    assertEquals(Set.of("ok", "provider", "agent", "heartbeat_sec"), body.fieldNames(), body.encode());
    assertTrue(body.getBoolean("ok"));
    assertTrue(body.getString("provider").startsWith("agentconn_"), body.encode());
    assertEquals("announced@2.1.0", body.getString("agent"));
    assertEquals(5, body.getInteger("heartbeat_sec"));
    JsonObject noVersion = socket.request("arcp.bridge.announce", new JsonObject().put("name", "announced")
        .put("inbox", socket.inbox), "announce-2");
    assertEquals("INVALID_REQUEST", arcpError(noVersion).getString("code"), noVersion.encode());
    assertEquals(4000, noVersion.getInteger("failureCode"));
  }

  @Test
  void inboxNamesFollowTheRule() {
    for (String bad : List.of("arcp.bridge.inbox.short", "arcp.bridge.inbox." + "a".repeat(65),
        "arcp.bridge.inbox.has.dots.in.it.0123", "arcp.bridge.inbox.spaces in here 0123", "my.inbox.0123456789abcdef")) {
      BridgeSocket socket = BridgeSocket.connect(port);
      sockets.add(socket);
      socket.send(new JsonObject().put("type", "register").put("address", bad)
          .put("headers", new JsonObject().put("authorization", "Bearer " + BridgeFixtures.AGENT_TOKEN)));
      JsonObject refused = socket.next();
      assertEquals("err", refused.getString("type"), bad + ": " + refused.encode());
    }
    for (String good : List.of("arcp.bridge.inbox." + "a".repeat(16), "arcp.bridge.inbox." + "Z_-9".repeat(16))) {
      BridgeSocket socket = BridgeSocket.connect(port);
      sockets.add(socket);
      socket.send(new JsonObject().put("type", "register").put("address", good)
          .put("headers", new JsonObject().put("authorization", "Bearer " + BridgeFixtures.AGENT_TOKEN)));
      JsonObject answer = socket.request("arcp.bridge.announce", new JsonObject().put("name", "inbox-rule")
          .put("version", "1.0.0").put("inbox", good), "announce-1");
      assertEquals("message", answer.getString("type"), good + ": " + answer.encode());
    }
  }

  @Test
  void theDispatchCarriesEveryDocumentedField() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject lease = new JsonObject().put("fs.read", new JsonArray().add("/ws/**"))
        .put("cost.budget", new JsonArray().add("USD:1.00"));
    String jobId = submit(client, agent.name, new JsonObject().put("paths", new JsonArray().add("/ws/a.txt")), lease);
    JsonObject dispatch = agent.dispatch();
    for (String field : List.of("job_id", "job_token", "agent", "input", "lease", "lease_constraints", "budget",
        "credentials", "extensions", "principal", "parent_job_id", "trace_id", "traceparent", "heartbeat_sec")) {
      assertTrue(dispatch.containsKey(field), "dispatch lacks " + field + ": " + dispatch.encode());
    }
    assertEquals(jobId, dispatch.getString("job_id"));
    assertEquals(agent.name + "@1.0.0", dispatch.getString("agent"));
    assertEquals(new JsonObject().put("paths", new JsonArray().add("/ws/a.txt")), dispatch.getJsonObject("input"));
    assertEquals(new JsonArray().add("/ws/**"), dispatch.getJsonObject("lease").getJsonArray("fs.read"));
    assertEquals(1.0, dispatch.getJsonObject("budget").getDouble("USD"), 1e-9);
    assertEquals("alice", dispatch.getString("principal"));
    assertTrue(dispatch.getString("traceparent").contains(dispatch.getString("trace_id")), dispatch.encode());
    assertEquals(5, dispatch.getInteger("heartbeat_sec"));
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", 1));
    assertEquals(1, success(untilTerminal(client, jobId)).getInteger("result"));
  }

  @Test
  void authorizeIsAnsweredEmptyWhenAllowedAndWithTheArcpErrorWhenNot() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, new JsonObject().put("fs.read", new JsonArray().add("/ws/**")));
    JsonObject dispatch = agent.dispatch();
    JsonObject yes = agent.request(dispatch, new JsonObject().put("op", "authorize").put("capability", "fs.read")
        .put("resource", "/ws/a.txt"), "auth-1");
    assertEquals("message", yes.getString("type"), yes.encode());
    assertEquals(new JsonObject(), yes.getJsonObject("body"));
    JsonObject no = agent.request(dispatch, new JsonObject().put("op", "authorize").put("capability", "fs.read")
        .put("resource", "/etc/passwd"), "auth-2");
    assertEquals("auth-2", no.getString("address"));
    assertEquals(4000, no.getInteger("failureCode"), no.encode());
    JsonObject error = arcpError(no);
    assertEquals("PERMISSION_DENIED", error.getString("code"));
    assertTrue(error.getValue("retryable") instanceof Boolean && error.getString("message") != null, error.encode());
    JsonObject write = agent.request(dispatch, new JsonObject().put("op", "authorize").put("capability", "fs.write")
        .put("resource", "/ws/a.txt"), "auth-3");
    assertEquals("PERMISSION_DENIED", arcpError(write).getString("code"), "fs.write was not granted");
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "done"));
    assertEquals("done", success(untilTerminal(client, jobId)).getString("result"));
  }

  @Test
  void aWrongJobTokenIsRefusedByTheGateway() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, null);
    JsonObject dispatch = agent.dispatch();
    JsonObject refused = agent.socket.request("arcp.job." + jobId, log("info", "forged").put("job_token", "jt_wrong"),
        "wrong-1");
    assertEquals("PERMISSION_DENIED", arcpError(refused).getString("code"), refused.encode());
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "real"));
    List<JsonObject> frames = untilTerminal(client, jobId);
    assertEquals("real", success(frames).getString("result"));
    assertFalse(frames.toString().contains("forged"), frames.toString());
  }

  /**
   * docs/agent-protocol.md §4: a message with a wrong job token is refused by the gateway — and, being refused,
   * changes nothing: the job is still this connection's, which then reports its genuine result (and its slot
   * stays taken until then).
   */
  @Test
  void aResultWithAWrongJobTokenIsRefusedAndTheJobStaysTheConnections() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, null);
    JsonObject dispatch = agent.dispatch();
    agent.socket.sendTo("arcp.job." + jobId, new JsonObject().put("op", "result").put("job_token", "jt_wrong")
        .put("result", "forged"));
    client.expectSilence(Duration.ofMillis(300)); // refused: nothing reaches the client
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "real"));
    JsonObject refusal = agent.socket.poll(Duration.ofMillis(1_000));
    assertTrue(refusal == null, "the bridge refused the job's genuine result (right token, own connection) after"
        + " a refused wrong-token result: " + refusal);
    List<JsonObject> frames = untilTerminal(client, jobId);
    assertEquals("real", success(frames).getString("result"));
    assertFalse(frames.toString().contains("forged"), frames.toString());
  }

  @Test
  void aBadEventIsDroppedAndARequestGetsTheError() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, null);
    JsonObject dispatch = agent.dispatch();
    agent.send(dispatch, log("loud", "dropped level"));
    agent.send(dispatch, new JsonObject().put("op", "event").put("kind", "progress")
        .put("body", new JsonObject().put("current", -1)));
    agent.send(dispatch, new JsonObject().put("op", "event").put("kind", "no_such_kind").put("body", new JsonObject()));
    JsonObject refused = agent.request(dispatch, log("loud", "dropped level"), "ev-1");
    assertEquals("INVALID_REQUEST", arcpError(refused).getString("code"), refused.encode());
    JsonObject negativeCost = agent.request(dispatch, new JsonObject().put("op", "event").put("kind", "metric")
        .put("body", new JsonObject().put("name", "cost.x").put("value", -1).put("unit", "USD")), "ev-2");
    assertEquals("INVALID_REQUEST", arcpError(negativeCost).getString("code"), negativeCost.encode());
    JsonObject accepted = agent.request(dispatch, log("info", "kept").put("x-vendor.tag", "t1"), "ev-3");
    assertEquals("message", accepted.getString("type"), accepted.encode());
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "ok"));
    List<JsonObject> frames = untilTerminal(client, jobId);
    success(frames);
    List<JsonObject> events = frames.stream().filter(f -> "job.event".equals(type(f))).toList();
    assertEquals(1, events.size(), "only the valid event: " + events);
    assertEquals("kept", payload(events.get(0)).getJsonObject("body").getString("message"));
    assertEquals("t1", payload(events.get(0)).getString("x-vendor.tag"), "x-* keys ride along: " + events.get(0));
  }

  @Test
  void eventsInOneMessageAreTakenInOrderAndABadOneIsDroppedAlone() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, null);
    JsonObject dispatch = agent.dispatch();
    JsonArray batch = new JsonArray().add(logBody("info", "one")).add(logBody("loud", "dropped level"))
        .add("not an event").add(logBody("info", "three").put("x-vendor.tag", "t3"));
    JsonObject refused = agent.request(dispatch, new JsonObject().put("op", "events").put("events", batch), "evs-1");
    assertEquals("INVALID_REQUEST", arcpError(refused).getString("code"), refused.encode());
    JsonObject notAList = agent.request(dispatch, new JsonObject().put("op", "events").put("events", "x"), "evs-2");
    assertEquals("INVALID_REQUEST", arcpError(notAList).getString("code"), notAList.encode());
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "ok"));
    List<JsonObject> frames = untilTerminal(client, jobId);
    success(frames);
    List<JsonObject> events = frames.stream().filter(f -> "job.event".equals(type(f))).toList();
    assertEquals(List.of("one", "three"), events.stream()
        .map(e -> payload(e).getJsonObject("body").getString("message")).toList(), "the good ones, in order");
    assertEquals("t3", payload(events.get(1)).getString("x-vendor.tag"), "x-* keys ride along: " + events.get(1));
  }

  @Test
  void failEndsTheJobWithTheAgentsError() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, null);
    JsonObject dispatch = agent.dispatch();
    agent.send(dispatch, new JsonObject().put("op", "fail").put("error", new JsonObject().put("code", "TIMEOUT")
        .put("message", "upstream too slow").put("retryable", true).put("details", new JsonObject().put("k", 1))));
    JsonObject terminal = last(untilTerminal(client, jobId));
    assertEquals("job.error", type(terminal));
    assertErrorPayload(payload(terminal), "error", "TIMEOUT");
    assertEquals("upstream too slow", payload(terminal).getString("message"));
    assertTrue(payload(terminal).getBoolean("retryable"));
    assertEquals(new JsonObject().put("k", 1), payload(terminal).getJsonObject("details"));
  }

  @Test
  void brokenChunkOrderFailsTheJobWithInternalError() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, null);
    JsonObject dispatch = agent.dispatch();
    JsonObject chunk = new JsonObject().put("op", "event").put("kind", "result_chunk").put("body", new JsonObject()
        .put("chunk_seq", 0).put("data", "a").put("encoding", "utf8").put("more", true));
    agent.send(dispatch, chunk);
    agent.send(dispatch, chunk.copy().put("body", chunk.getJsonObject("body").copy().put("chunk_seq", 2)));
    List<JsonObject> frames = untilTerminal(client, jobId);
    JsonObject terminal = last(frames);
    assertEquals("job.error", type(terminal), terminal.encode());
    assertErrorPayload(payload(terminal), "error", "INTERNAL_ERROR");
    assertEquals(1, bodies(frames, "result_chunk").size());
    JsonObject cancel = agent.socket.nextInbox();
    assertEquals("cancel", cancel.getString("op"), "the agent is told to stop: " + cancel.encode());
  }

  @Test
  void framesSentAfterACancelAreDropped() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, null);
    JsonObject dispatch = agent.dispatch();
    agent.send(dispatch, log("info", "before"));
    client.nextOfType("job.event");
    client.send(Wire.cancel(client.sessionId(), jobId, "stop it"));
    JsonObject cancel = agent.socket.nextInbox();
    assertEquals("cancel", cancel.getString("op"));
    assertEquals(jobId, cancel.getString("job_id"));
    assertEquals("stop it", cancel.getString("reason"));
    List<JsonObject> frames = untilTerminal(client, jobId);
    assertErrorPayload(payload(last(frames)), "cancelled", "CANCELLED");
    agent.send(dispatch, log("info", "after"));
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "late"));
    client.expectSilence(Duration.ofMillis(500));
    assertTrue(agent.socket.answersPing(), "the agent's connection is still usable");
  }

  @Test
  void jobsWaitWhileTheOnlyProcessIsBusy() {
    String name = "busy-" + (++agentCounter);
    BridgeSocket socket = BridgeSocket.announced(port, BridgeFixtures.AGENT_TOKEN, name, "1.0.0", 1);
    sockets.add(socket);
    Agent agent = new Agent(name, socket);
    WireClient client = gateway.session(TestGateway.ALICE);
    String first = submit(client, name, 1, null);
    String second = submit(client, name, 2, null);
    JsonObject dispatch = agent.dispatch();
    assertEquals(first, dispatch.getString("job_id"));
    assertTrue(socket.poll(Duration.ofMillis(400)) == null, "max_concurrent 1: the second job waits");
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "one"));
    JsonObject next = agent.dispatch();
    assertEquals(second, next.getString("job_id"), "dispatched once the slot is free");
    agent.send(next, new JsonObject().put("op", "result").put("result", "two"));
    client.untilTerminal(first);
    client.untilTerminal(second);
  }

  /**
   * A job waiting for a busy process and cancelled meanwhile has ended (docs/agent-protocol.md §3: cancel means
   * stop the job): it must never be dispatched afterwards, nor take the slot that frees up.
   */
  @Test
  void aWaitingJobThatIsCancelledIsNeverDispatched() {
    String name = "busy-" + (++agentCounter);
    BridgeSocket socket = BridgeSocket.announced(port, BridgeFixtures.AGENT_TOKEN, name, "1.0.0", 1);
    sockets.add(socket);
    Agent agent = new Agent(name, socket);
    WireClient client = gateway.session(TestGateway.ALICE);
    String first = submit(client, name, 1, null);
    JsonObject dispatch = agent.dispatch();
    String waiting = submit(client, name, 2, null);
    client.send(Wire.cancel(client.sessionId(), waiting, "not needed"));
    assertErrorPayload(payload(last(client.untilTerminal(waiting))), "cancelled", "CANCELLED");
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "one"));
    client.untilTerminal(first);
    JsonObject stray = socket.poll(Duration.ofMillis(800));
    assertTrue(stray == null, "the cancelled job " + waiting + " was dispatched after all: " + stray);
  }

  /**
   * A job that waited for a busy process longer than the dispatch may wait (the request timeout) has ended with an
   * error: it must never be dispatched afterwards.
   */
  @Test
  void aWaitingJobThatTimedOutIsNeverDispatched() {
    String name = "busy-" + (++agentCounter);
    BridgeSocket socket = BridgeSocket.announced(port, BridgeFixtures.AGENT_TOKEN, name, "1.0.0", 1);
    sockets.add(socket);
    Agent agent = new Agent(name, socket);
    WireClient client = gateway.session(TestGateway.ALICE);
    String first = submit(client, name, 1, null);
    JsonObject dispatch = agent.dispatch();
    String waiting = submit(client, name, 2, null);
    JsonObject ended = last(client.untilTerminal(waiting));
    assertEquals("job.error", type(ended), "the waiting job ends after the dispatch timeout: " + ended.encode());
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", "one"));
    client.untilTerminal(first);
    JsonObject stray = socket.poll(Duration.ofMillis(800));
    assertTrue(stray == null, "the job " + waiting + " that had ended with " + payload(ended).getString("code")
        + " was dispatched after all: " + stray);
  }

  /**
   * docs/agent-protocol.md §1: "for a refused request [the err] also carries address = your replyAddress,
   * failureCode 4000 and, as message, the ARCP error" — also when it is the bridge that refuses (a job that is
   * not, or no longer, this connection's), or the agent cannot tell which of its requests was refused.
   */
  @Test
  void aRequestRefusedByTheBridgeIsAnsweredOnItsReplyAddress() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null, null);
    JsonObject dispatch = agent.dispatch();
    client.send(Wire.cancel(client.sessionId(), jobId, null));
    assertEquals("cancel", agent.socket.nextInbox().getString("op"));
    agent.socket.send(new JsonObject().put("type", "send").put("address", "arcp.job." + jobId)
        .put("replyAddress", "late-auth-1").put("body", new JsonObject().put("op", "authorize")
            .put("job_token", dispatch.getString("job_token")).put("capability", "fs.read").put("resource", "/ws/a.txt")));
    JsonObject refused = agent.socket.next();
    assertEquals("err", refused.getString("type"), refused.encode());
    assertEquals("late-auth-1", refused.getString("address"));
    assertEquals(4000, refused.getInteger("failureCode"), refused.encode());
    assertNotNull(arcpError(refused).getString("code"), refused.encode());
  }

  @Test
  void delegationIsAnsweredAndItsOutcomeArrivesAsDelegateResult() {
    Agent agent = agent();
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, agent.name, null,
        new JsonObject().put("agent.delegate", new JsonArray().add("echo")));
    JsonObject dispatch = agent.dispatch();
    JsonObject answer = agent.request(dispatch, new JsonObject().put("op", "delegate").put("agent", "echo")
        .put("input", new JsonObject().put("hi", 1)).put("lease_request", new JsonObject())
        .put("lease_constraints", new JsonObject()).put("delegate_id", "d-1"), "del-1");
    assertEquals("message", answer.getString("type"), answer.encode());
    assertEquals("d-1", answer.getJsonObject("body").getString("delegate_id"), answer.encode());
    String child = answer.getJsonObject("body").getString("child_job_id");
    assertTrue(child.startsWith("job_"), answer.encode());
    JsonObject outcome = agent.socket.nextInbox();
    assertEquals("delegate_result", outcome.getString("op"), outcome.encode());
    assertEquals(jobId, outcome.getString("job_id"));
    assertEquals("d-1", outcome.getString("delegate_id"));
    assertEquals(child, outcome.getString("child_job_id"));
    assertEquals("job.result", outcome.getString("type"));
    assertEquals(new JsonObject().put("hi", 1), outcome.getJsonObject("payload").getJsonObject("result")
        .getJsonObject("input"), outcome.encode());

    JsonObject tooMuch = agent.request(dispatch, new JsonObject().put("op", "delegate").put("agent", "echo")
        .put("input", 1).put("lease_request", new JsonObject().put("fs.write", new JsonArray().add("/**")))
        .put("lease_constraints", new JsonObject()), "del-2");
    assertEquals("LEASE_SUBSET_VIOLATION", arcpError(tooMuch).getString("code"), tooMuch.encode());
    agent.send(dispatch, new JsonObject().put("op", "result").put("result", child));
    List<JsonObject> frames = new ArrayList<>();
    while (true) {
      JsonObject frame = client.next();
      frames.add(frame);
      if (jobId.equals(frame.getString("job_id")) && frame.containsKey("event_seq")
          && List.of("job.result", "job.error").contains(type(frame))) {
        break;
      }
    }
    assertEquals(child, payload(last(frames)).getString("result"), frames.toString());
  }
}
