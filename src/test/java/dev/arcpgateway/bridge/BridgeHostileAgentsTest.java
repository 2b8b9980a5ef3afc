package dev.arcpgateway.bridge;

import static dev.arcpgateway.bridge.BridgeFixtures.bodies;
import static dev.arcpgateway.bridge.BridgeFixtures.input;
import static dev.arcpgateway.bridge.BridgeFixtures.readLease;
import static dev.arcpgateway.bridge.BridgeFixtures.submit;
import static dev.arcpgateway.bridge.BridgeFixtures.success;
import static dev.arcpgateway.bridge.BridgeFixtures.untilTerminal;
import static dev.arcpgateway.bridge.BridgeFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.ExampleAgent;
import dev.arcpgateway.testing.ExampleAgent.Program;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile agent connections (raw sockets) against a bridge with small limits ({@code max_frame_bytes} 4096,
 * {@code frames_per_sec} 50, {@code burst_frames} 100): each is refused as docs/agent-protocol.md says, and after
 * every case the gateway and a well-behaved agent process (wordcount-py) still run a job.
 */
@ExtendWith(VertxExtension.class)
class BridgeHostileAgentsTest {

  static final String NARROW_TOKEN = "narrow-secret";
  static final int MAX_FRAME = 4096;

  @TempDir
  static Path dir;
  static Path file;
  static TestGateway gateway;
  static ExampleAgent wellBehaved;
  static int port;
  final List<BridgeSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) {
    file = write(dir.resolve("a.txt"), "still working fine\n");
    gateway = BridgeFixtures.gateway(vertx, bridge -> bridge.put("max_frame_bytes", MAX_FRAME)
        .put("frames_per_sec", 50).put("burst_frames", 100)
        .put("tokens", bridge.getJsonArray("tokens").copy().add(new JsonObject().put("token", NARROW_TOKEN)
            .put("name", "narrow").put("agents", new JsonArray().add("narrow-ok")))), options -> { });
    port = gateway.gateway().bridgePort();
    wellBehaved = ExampleAgent.start(Program.WORDCOUNT_PY, port, BridgeFixtures.AGENT_TOKEN);
  }

  @AfterAll
  static void stop() {
    if (wellBehaved != null) {
      wellBehaved.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  /** After every case: the well-behaved agent process is still connected and a job runs end to end on it. */
  @AfterEach
  void theGatewayAndAWellBehavedAgentStillWork() {
    sockets.forEach(BridgeSocket::close);
    assertTrue(wellBehaved.isAlive(), wellBehaved.describe());
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, "wordcount-py", input(List.of(file)), readLease(dir));
    assertEquals(3, success(untilTerminal(client, jobId)).getJsonObject("result").getInteger("total"),
        wellBehaved.describe());
    client.close();
  }

  BridgeSocket connect() {
    BridgeSocket socket = BridgeSocket.connect(port);
    sockets.add(socket);
    return socket;
  }

  BridgeSocket victim(String name) {
    BridgeSocket socket = BridgeSocket.announced(port, BridgeFixtures.AGENT_TOKEN, name, "1.0.0", 1);
    sockets.add(socket);
    return socket;
  }

  static void assertErr(JsonObject frame, String what) {
    assertEquals("err", frame.getString("type"), what + ": " + frame.encode());
  }

  /** The connection ends, and the gateway said why first with an err frame. */
  static void assertErrThenClosed(BridgeSocket socket, String what) {
    List<JsonObject> frames = socket.framesUntilClosed(Duration.ofSeconds(5));
    assertTrue(frames.stream().anyMatch(f -> "err".equals(f.getString("type"))),
        what + ": an err frame before the close, got " + frames);
  }

  // ---- credentials ----------------------------------------------------------------------------------------------

  @Test
  void aWrongTokenGetsAnErrAndTheConnectionIsClosed() {
    BridgeSocket socket = connect().register("not-the-token");
    assertErrThenClosed(socket, "wrong token");
  }

  @Test
  void aFirstFrameWithoutCredentialsGetsAnErrAndTheConnectionIsClosed() {
    BridgeSocket socket = connect();
    socket.send(new JsonObject().put("type", "register").put("address", socket.inbox));
    assertErrThenClosed(socket, "no credential");
  }

  @Test
  void aTokenMayAnnounceOnlyItsAgents() {
    BridgeSocket socket = connect().register(NARROW_TOKEN);
    JsonObject refused = socket.request("arcp.bridge.announce", new JsonObject().put("name", "wordcount-py")
        .put("version", "1.0.0").put("inbox", socket.inbox), "announce-1");
    assertErr(refused, "announcing an agent the token does not name");
    assertEquals(4000, refused.getInteger("failureCode"), refused.encode());
    assertEquals("PERMISSION_DENIED", new JsonObject(refused.getString("message")).getString("code"));
    JsonObject allowed = socket.request("arcp.bridge.announce", new JsonObject().put("name", "narrow-ok")
        .put("version", "1.0.0").put("inbox", socket.inbox), "announce-2");
    assertEquals("message", allowed.getString("type"), allowed.encode());
    assertTrue(allowed.getJsonObject("body").getBoolean("ok"));
  }

  @Test
  void announcingWithAnotherConnectionsInboxIsRefused() {
    BridgeSocket victim = victim("victim-inbox");
    BridgeSocket thief = connect();
    thief.send(new JsonObject().put("type", "send").put("address", "arcp.bridge.announce").put("replyAddress", "a-1")
        .put("headers", new JsonObject().put("authorization", "Bearer " + BridgeFixtures.AGENT_TOKEN))
        .put("body", new JsonObject().put("name", "thief").put("version", "1.0.0").put("inbox", victim.inbox)));
    JsonObject refused = thief.next();
    assertErr(refused, "announce naming someone else's inbox");
    assertEquals("INVALID_REQUEST", new JsonObject(refused.getString("message")).getString("code"), refused.encode());
    // nor may it take the inbox over
    thief.send(new JsonObject().put("type", "register").put("address", victim.inbox));
    assertErr(thief.next(), "registering someone else's inbox");
  }

  // ---- jobs and addresses that are not yours --------------------------------------------------------------------

  @Test
  void framesForAnotherConnectionsJobAreRefusedAndThatJobIsUnaffected() {
    BridgeSocket victim = victim("victim-job");
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, "victim-job", new JsonObject(), null);
    JsonObject dispatch = victim.nextInbox();
    assertEquals(jobId, dispatch.getString("job_id"));
    String token = dispatch.getString("job_token");
    String address = "arcp.job." + jobId;

    BridgeSocket hostile = connect().register(BridgeFixtures.AGENT_TOKEN);
    hostile.sendTo(address, new JsonObject().put("op", "event").put("job_token", token).put("kind", "log")
        .put("body", new JsonObject().put("level", "info").put("message", "hijacked")));
    assertErr(hostile.next(), "an event for a foreign job, even with its token");
    hostile.send(new JsonObject().put("type", "send").put("address", address).put("replyAddress", "h-1")
        .put("body", new JsonObject().put("op", "authorize").put("job_token", token).put("capability", "fs.read")
            .put("resource", "/etc/passwd")));
    assertErr(hostile.next(), "authorize for a foreign job");
    hostile.sendTo(address, new JsonObject().put("op", "result").put("job_token", token).put("result", "hijacked"));
    assertErr(hostile.next(), "a result for a foreign job");
    hostile.sendTo(address, new JsonObject().put("op", "fail").put("job_token", token)
        .put("error", new JsonObject().put("code", "INTERNAL_ERROR").put("message", "hijacked")));
    assertErr(hostile.next(), "a failure for a foreign job");

    victim.sendTo(address, new JsonObject().put("op", "event").put("job_token", token).put("kind", "log")
        .put("body", new JsonObject().put("level", "info").put("message", "legit")));
    victim.sendTo(address, new JsonObject().put("op", "result").put("job_token", token)
        .put("result", new JsonObject().put("by", "victim")));
    List<JsonObject> frames = untilTerminal(client, jobId);
    assertEquals(new JsonObject().put("by", "victim"), success(frames).getJsonObject("result"));
    assertEquals(List.of("legit"), bodies(frames, "log").stream().map(b -> b.getString("message")).toList());
    assertFalse(frames.toString().contains("hijacked"), "nothing of the hostile connection reached the client");
  }

  /**
   * Only an in-process agent may say that it needs no {@code ended} order: a process that claims it ("leaving")
   * is still hosted by the bridge, which frees the process's slot on that order. Its one slot takes the next job.
   */
  @Test
  void aProcessThatSaysItLeavesStillFreesItsSlotForTheNextJob() {
    BridgeSocket agent = victim("leaving-agent"); // one job at a time
    WireClient client = gateway.session(TestGateway.ALICE);
    String first = submit(client, "leaving-agent", new JsonObject(), null);
    JsonObject dispatch = agent.nextInbox();
    assertEquals(first, dispatch.getString("job_id"));
    agent.sendTo("arcp.job." + first, new JsonObject().put("op", "result").put("job_token",
        dispatch.getString("job_token")).put("result", "done").put("leaving", true));
    assertEquals("done", success(untilTerminal(client, first)).getString("result"));

    String second = submit(client, "leaving-agent", new JsonObject(), null);
    assertEquals(second, agent.nextInbox().getString("job_id"), "the slot was freed");
  }

  @Test
  void forbiddenAddressesAndOperationsAreRefused() {
    BridgeSocket victim = victim("victim-addresses");
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = submit(client, "victim-addresses", new JsonObject(), null);
    JsonObject dispatch = victim.nextInbox();
    String token = dispatch.getString("job_token");

    BridgeSocket hostile = connect().register(BridgeFixtures.AGENT_TOKEN);
    JsonObject fakeResult = new JsonObject().put("op", "frame").put("frame", new JsonObject().put("arcp", "1.1")
        .put("type", "job.result").put("job_id", jobId).put("payload", new JsonObject().put("result", "forged")));
    List<JsonObject> attempts = List.of(
        new JsonObject().put("type", "register").put("address", "arcp.job." + jobId),
        new JsonObject().put("type", "register").put("address", "arcp.agent.job." + jobId),
        new JsonObject().put("type", "register").put("address", "arcp.bridge.inbox.second-inbox-0123456789"),
        new JsonObject().put("type", "register").put("address", "arcp.lease"),
        new JsonObject().put("type", "unregister").put("address", hostile.inbox),
        new JsonObject().put("type", "send").put("address", "arcp.session." + client.sessionId()).put("body", fakeResult),
        new JsonObject().put("type", "send").put("address", "arcp.lease").put("body", new JsonObject()
            .put("op", "authorize").put("job_id", jobId).put("job_token", token).put("capability", "fs.read")
            .put("resource", "/etc/passwd")),
        new JsonObject().put("type", "send").put("address", "arcp.job.submit").put("body", new JsonObject()),
        new JsonObject().put("type", "send").put("address", "arcp.agents.registry").put("body", new JsonObject()
            .put("op", "withdraw").put("provider", "anyone")),
        new JsonObject().put("type", "send").put("address", "arcp.agent.victim-addresses@1.0.0").put("body",
            new JsonObject().put("op", "dispatch")),
        new JsonObject().put("type", "publish").put("address", "arcp.bridge.announce").put("body", new JsonObject()),
        new JsonObject().put("type", "publish").put("address", "arcp.job." + jobId).put("body", new JsonObject()
            .put("op", "result").put("job_token", token).put("result", "forged")));
    for (JsonObject attempt : attempts) {
      hostile.send(attempt);
      assertErr(hostile.next(), attempt.encode());
    }

    victim.sendTo("arcp.job." + jobId, new JsonObject().put("op", "result").put("job_token", token)
        .put("result", "genuine"));
    List<JsonObject> frames = untilTerminal(client, jobId);
    assertEquals("genuine", success(frames).getString("result"));
    assertFalse(frames.toString().contains("forged"), "nothing forged reached the client: " + frames);
    // the refused registrations delivered nothing: no message frame ever reached the hostile connection
    JsonObject stray = hostile.poll(Duration.ofMillis(300));
    assertNull(stray, "the hostile connection received " + stray);
    client.expectSilence(Duration.ofMillis(200));
  }

  // ---- frames the bridge must not parse -------------------------------------------------------------------------

  @Test
  void aFrameOverMaxFrameBytesGetsAnErrAndTheConnectionIsClosed() {
    BridgeSocket socket = connect().register(BridgeFixtures.AGENT_TOKEN);
    String pad = "x".repeat(MAX_FRAME);
    socket.tryWrite(frame(new JsonObject().put("type", "ping").put("pad", pad).encode()));
    assertErrThenClosed(socket, "oversize frame");
  }

  @Test
  void aHugeLengthPrefixAloneClosesTheConnectionAtOnce() {
    BridgeSocket socket = connect();
    socket.writeRaw(new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertErrThenClosed(socket, "2 GiB length prefix");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"not json at all", "[1,2,3]", "\"a string\"", "42", "{\"type\":\"bogus\",\"address\":\"a\"}",
      "{\"type\":\"send\"}", "{\"address\":\"arcp.bridge.announce\"}", "{\"type\":7,\"address\":\"a\"}", "{\"type\":"})
  void aMalformedFrameGetsAnErrAndTheConnectionIsClosed(String body) {
    BridgeSocket socket = connect().register(BridgeFixtures.AGENT_TOKEN);
    socket.tryWrite(frame(body));
    assertErrThenClosed(socket, body);
  }

  @Test
  void anEmptyFrameGetsAnErrAndTheConnectionIsClosed() {
    BridgeSocket socket = connect();
    socket.writeRaw(new byte[4]);
    assertErrThenClosed(socket, "empty frame");
  }

  @Test
  void garbageBytesWithoutFramingCloseTheConnection() {
    BridgeSocket socket = connect();
    socket.tryWrite("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertErrThenClosed(socket, "an HTTP request");
  }

  @Test
  void aFloodGetsTheConnectionClosed() {
    BridgeSocket socket = connect().register(BridgeFixtures.AGENT_TOKEN);
    byte[] ping = frame("{\"type\":\"ping\"}");
    byte[] burst = new byte[ping.length * 400];
    for (int i = 0; i < 400; i++) {
      System.arraycopy(ping, 0, burst, i * ping.length, ping.length);
    }
    socket.tryWrite(burst);
    List<JsonObject> frames = socket.framesUntilClosed(Duration.ofSeconds(5));
    JsonObject err = frames.stream().filter(f -> "err".equals(f.getString("type"))).findFirst()
        .orElseThrow(() -> new AssertionError("no err before the close: " + frames));
    assertTrue(err.getString("message", "").contains("flood"), err.encode());
    long pongs = frames.stream().filter(f -> "pong".equals(f.getString("type"))).count();
    assertTrue(pongs <= 101, "at most the burst was answered: " + pongs);
  }

  @Test
  void aSteadyAgentBelowTheRateIsNotAFlood() {
    BridgeSocket socket = connect().register(BridgeFixtures.AGENT_TOKEN);
    for (int i = 0; i < 30; i++) {
      assertTrue(socket.answersPing(), "ping " + i);
      sleep(25); // 40 frames/s, under the 50 allowed
    }
  }

  private static byte[] frame(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] framed = new byte[4 + bytes.length];
    framed[0] = (byte) (bytes.length >>> 24);
    framed[1] = (byte) (bytes.length >>> 16);
    framed[2] = (byte) (bytes.length >>> 8);
    framed[3] = (byte) bytes.length;
    System.arraycopy(bytes, 0, framed, 4, bytes.length);
    return framed;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
