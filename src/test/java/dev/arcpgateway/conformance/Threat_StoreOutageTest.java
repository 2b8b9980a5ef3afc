package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.store.pg.PgStore;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.Http;
import dev.arcpgateway.testing.LogCapture;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away while the gateway serves (issue 10): nothing is acknowledged that was not stored — a submit
 * gets INTERNAL_ERROR, retryable, "store unavailable", at once rather than hanging, and a running job whose next
 * event cannot be stored ends with that error, so its client is told — the loss and the return are
 * each logged once, {@code /ready} answers 503 naming the store meanwhile, and the gateway serves (and is ready)
 * again by itself when the database is back. This test owns its server.
 */
class Threat_StoreOutageTest {

  private static Vertx vertx;
  private static Path data;
  private static int port;
  private static EmbeddedPostgres pg;
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    data = Files.createTempDirectory("arcp-outage-pg");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    pg = startPg();
    String uri = "postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres";
    gateway = TestGateway.start(vertx, options -> options.setStore(new JsonObject().put("type", "pg")
        .put("uri", uri).put("pool_size", 2)), List.of(GateAgent.registration()));
  }

  private static EmbeddedPostgres startPg() throws Exception {
    return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1").setServerConfig("fsync", "off").start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    pg.close();
  }

  @Test
  void submitsAreRefusedRetryablyWhileTheDatabaseIsGoneAndServedWhenItIsBack() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    assertEquals("job.result", type(runEcho(client)));
    String key = "outage-" + System.nanoTime();
    client.submit(GateAgent.NAME, GateAgent.input(key));
    String running = client.expect("job.accepted").getString("job_id");
    GateAgent.emit(vertx, key, 1);
    assertEquals("job.event", type(client.expect("job.event")));

    try (LogCapture log = LogCapture.of(PgStore.class.getName())) {
      pg.close();
      GateAgent.emit(vertx, key, 1); // an event that cannot be stored: the job ends, and its client is told
      JsonObject ended = client.expect("job.error");
      assertEquals(running, ended.getString("job_id"), ended.encode());
      assertEquals("INTERNAL_ERROR", payload(ended).getString("code"), ended.encode());
      assertEquals(true, payload(ended).getBoolean("retryable"), ended.encode());
      assertTrue(payload(ended).getString("message").contains("store unavailable"), ended.encode());

      for (int i = 0; i < 3; i++) {
        JsonObject submit = client.submit(new JsonObject().put("agent", "echo").put("input", "while down"));
        JsonObject refused = payload(assertRejectedSubmit(client, submit, "INTERNAL_ERROR"));
        assertEquals(true, refused.getBoolean("retryable"), refused.encode());
        assertTrue(refused.getString("message").contains("store unavailable"), refused.encode());
      }
      Http.Response notReady = new Http(vertx).get(gateway.port(), "/ready");
      assertEquals(503, notReady.status(), "not ready while PostgreSQL is gone: " + notReady.body());
      assertTrue(notReady.body().contains("store"), notReady.body());
      List<String> warnings = log.lines(Level.WARNING);
      assertEquals(1, warnings.size(), "the loss is logged once: " + log.records());
      assertTrue(warnings.get(0).contains("unreachable"), warnings.get(0));

      pg = startPg();
      assertEquals("job.result", type(runEcho(client)), "served again without a restart of the gateway");
      Http.Response ready = new Http(vertx).get(gateway.port(), "/ready");
      assertEquals(200, ready.status(), "ready again once PostgreSQL is back: " + ready.body());
      assertEquals(1, log.lines(Level.INFO).stream().filter(line -> line.contains("reachable again")).count(),
          "the return is logged once: " + log.records());
      assertEquals(1, log.lines(Level.WARNING).size(), log.records().toString());
    }
  }

  private static JsonObject runEcho(WireClient client) {
    JsonObject accepted = client.expectAccepted(client.submit(new JsonObject().put("agent", "echo")
        .put("input", "hi")).getString("id"));
    List<JsonObject> frames = client.untilTerminal(accepted.getString("job_id"));
    return frames.get(frames.size() - 1);
  }
}
