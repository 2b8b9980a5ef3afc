package dev.arcpgateway.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.EmbeddedPg;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Opening the PostgreSQL store: racing migrations, and the one-line refusals of an unusable database. */
class PgStoreStartupTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void gatewaysStartingTogetherApplyEachMigrationExactlyOnce() throws Exception {
    String uri = EmbeddedPg.freshDatabase();
    List<Future<PgStore>> opening = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      opening.add(PgStore.open(vertx, uri, 2));
    }
    Future.all(new ArrayList<>(opening)).await(60, TimeUnit.SECONDS);
    Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(io.vertx.pgclient.PgConnectOptions.fromUri(uri))
        .using(vertx).build();
    try {
      List<Integer> expected = new ArrayList<>();
      PgMigrations.bundled().forEach(m -> expected.add(m.version()));
      assertEquals(expected, PgMigrations.applied(pool).await(10, TimeUnit.SECONDS));
    } finally {
      pool.close();
      for (Future<PgStore> store : opening) {
        store.result().close().await(10, TimeUnit.SECONDS);
      }
    }
    PgStore again = PgStore.open(vertx, uri, 1).await(30, TimeUnit.SECONDS);
    again.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aMalformedUriIsOneClearLine() throws Exception {
    assertRefused("postgresql://u:p@127.0.0.1:notaport/db", "URI");
  }

  @Test
  void aMissingDatabaseIsOneClearLine() throws Exception {
    assertRefused(EmbeddedPg.uri("no_such_database"), "does not exist");
  }

  @Test
  void aRefusedPasswordIsOneClearLine() throws Exception {
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'arcp_pw') THEN"
          + " CREATE ROLE arcp_pw LOGIN PASSWORD 'right'; END IF; END $$");
      ResultSet hba = s.executeQuery("SHOW hba_file");
      hba.next();
      Path file = Path.of(hba.getString(1));
      String rules = Files.readString(file);
      if (!rules.startsWith("host all arcp_pw")) { // only this role needs a password; the rest stay trusted
        Files.writeString(file, "host all arcp_pw 127.0.0.1/32 scram-sha-256\n" + rules);
        s.execute("SELECT pg_reload_conf()");
      }
    }
    String uri = "postgresql://arcp_pw:s3cr3t-Pw@127.0.0.1:" + EmbeddedPg.server().getPort() + "/postgres";
    assertRefused(uri, "refused the login");
  }

  @Test
  void nothingListeningIsOneClearLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertRefused("postgresql://u:p@127.0.0.1:" + port + "/db", "127.0.0.1:" + port);
  }

  private static void assertRefused(String uri, String mentions) throws Exception {
    Future<PgStore> opened = PgStore.open(vertx, uri, 2);
    Throwable failure = opened.transform(done -> Future.succeededFuture(done.cause()))
        .await(60, TimeUnit.SECONDS);
    assertInstanceOf(PgStore.PgStoreUnusable.class, failure, String.valueOf(failure));
    String message = failure.getMessage();
    assertTrue(message.contains(mentions), message);
    assertFalse(message.contains("\n"), "one line: " + message);
    assertFalse(message.contains("s3cr3t"), "never the password: " + message);
  }
}
