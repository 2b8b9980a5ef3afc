package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.Gateway;
import dev.arcpgateway.agent.demo.DemoAgents;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.LogCapture;
import dev.arcpgateway.testing.RawWebSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threat: noise that hides real problems. Ordinary sequences — jobs run to their end, a client that sends
 * {@code session.close} and closes its socket at once (as the Java SDK always does), a stdio session closed by
 * {@code session.close} — are expected conditions, and log nothing at WARNING or above.
 */
@ExtendWith(VertxExtension.class)
class QuietLogsTest {

  @Test
  void ordinaryJobsAndAnAbruptCloseLogNothing(Vertx vertx) {
    try (TestGateway gateway = TestGateway.start(vertx); LogCapture logs = LogCapture.of("")) {
      for (int round = 0; round < 20; round++) {
        WireClient client = gateway.session(TestGateway.ALICE);
        for (String agent : List.of("echo", "chatty")) {
          client.submit(agent, new JsonObject().put("round", round));
          client.untilTerminal(client.expect("job.accepted").getString("job_id"));
        }
        client.send(Continuity.close(client.sessionId(), "done"));
        client.close(); // at once, without waiting for session.closed
      }
      // the last close has been handled once a later session round-trips through the same verticles
      WireClient later = gateway.session(TestGateway.BOB);
      later.submit("echo", new JsonObject());
      later.untilTerminal(later.expect("job.accepted").getString("job_id"));
      assertEquals(List.of(), logs.lines(Level.WARNING));
    }
  }

  /** The Java SDK's close at its most abrupt: {@code session.close} and the close frame in one TCP write. */
  @Test
  void sessionCloseAndTheCloseFrameInOneWriteLogNothing(Vertx vertx) {
    try (TestGateway gateway = TestGateway.start(vertx); LogCapture logs = LogCapture.of("")) {
      for (int round = 0; round < 20; round++) {
        try (RawWebSocket ws = RawWebSocket.upgraded(gateway.port())) {
          ws.writeFrame(0, RawWebSocket.OP_TEXT, Wire.hello(TestGateway.ALICE).encode()
              .getBytes(StandardCharsets.UTF_8));
          String sessionId = new JsonObject(ws.nextText()).getString("session_id");
          ByteArrayOutputStream both = new ByteArrayOutputStream();
          both.writeBytes(RawWebSocket.frame(0, RawWebSocket.OP_TEXT, Continuity.close(sessionId, "done").encode()
              .getBytes(StandardCharsets.UTF_8)));
          both.writeBytes(RawWebSocket.frame(0, RawWebSocket.OP_CLOSE, new byte[] {0x03, (byte) 0xe8}));
          ws.writeRaw(both.toByteArray());
          assertTrue(ws.closedWithin(Duration.ofSeconds(10)));
        }
      }
      WireClient later = gateway.session(TestGateway.BOB);
      later.submit("echo", new JsonObject());
      later.untilTerminal(later.expect("job.accepted").getString("job_id"));
      assertEquals(List.of(), logs.lines(Level.WARNING));
    }
  }

  /**
   * Embedded over stdio, the gateway is stopped after its session closed while its input stays open; a line that
   * arrives afterwards (or the end of input) finds nothing to hand it to, and the reader must end quietly.
   */
  @Test
  void anEmbeddedStdioReaderEndsQuietlyAfterTheGatewayStopped() throws Exception {
    PipedOutputStream toGateway = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(toGateway, 1 << 16);
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    OutputStream out = new OutputStream() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) {
        if (b == '\n') {
          lines.add(line.toString(StandardCharsets.UTF_8));
          line.reset();
        } else {
          line.write(b);
        }
      }
    };
    CountDownLatch ended = new CountDownLatch(1);
    Vertx own = Vertx.vertx();
    Gateway gateway = Gateway.builder().options(new GatewayOptions().addToken("alice", TestGateway.ALICE))
        .agents(DemoAgents.all()).stdio(in, out, ended::countDown).build();
    gateway.deploy(own).await(30, TimeUnit.SECONDS);
    Thread reader = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("arcp-stdin"))
        .findFirst().orElseThrow();
    toGateway.write((Wire.hello(TestGateway.ALICE).encode() + "\n").getBytes(StandardCharsets.UTF_8));
    toGateway.flush();
    String sessionId = new JsonObject(lines.poll(10, TimeUnit.SECONDS)).getString("session_id");
    toGateway.write((Continuity.close(sessionId, "done").encode() + "\n").getBytes(StandardCharsets.UTF_8));
    toGateway.flush();
    assertEquals("session.closed", new JsonObject(lines.poll(10, TimeUnit.SECONDS)).getString("type"));
    assertTrue(ended.await(10, TimeUnit.SECONDS));
    gateway.undeploy().compose(v -> own.close()).await(10, TimeUnit.SECONDS);

    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler previous = reader.getUncaughtExceptionHandler();
    reader.setUncaughtExceptionHandler((thread, e) -> uncaught.add(e));
    try (LogCapture logs = LogCapture.of("")) {
      toGateway.write((Continuity.ping(sessionId, "late").encode() + "\n").getBytes(StandardCharsets.UTF_8));
      toGateway.close();
      reader.join(10_000);
      assertTrue(!reader.isAlive(), "the reader ends at the end of its input");
      assertEquals(List.of(), uncaught);
      assertEquals(List.of(), logs.lines(Level.WARNING));
    } finally {
      reader.setUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void aStdioSessionClosedBySessionCloseLogsNothing() throws Exception {
    File stderr = File.createTempFile("arcp-stdio-", ".stderr");
    stderr.deleteOnExit();
    try (StdioTransportTest.Child child = new StdioTransportTest.Child(stderr.toPath())) {
      child.send(Wire.hello(StdioTransportTest.TOKEN));
      String sessionId = child.expect("session.welcome").getString("session_id");
      child.send(Wire.submit(sessionId, "echo", new JsonObject()));
      child.expect("job.accepted");
      child.expect("job.result");
      child.send(Continuity.close(sessionId, "done"));
      child.expect("session.closed");
      assertTrue(child.process.waitFor(10, TimeUnit.SECONDS), child.stderrText());
      String log = child.stderrText();
      for (String noise : List.of("WARNING", "SEVERE", "Exception")) {
        assertTrue(!log.contains(noise), () -> "stderr mentions " + noise + ":\n" + log);
      }
    }
  }
}
