package dev.arcpgateway.store;

import dev.arcpgateway.store.pg.PgStore;
import dev.arcpgateway.testing.EmbeddedPg;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on PostgreSQL (embedded, real); every test of the class shares one database. */
class PgStoreContractTest extends GatewayStoreContract {

  private static String uri;

  @BeforeAll
  static void database() {
    uri = EmbeddedPg.freshDatabase();
  }

  @Override
  protected GatewayStore createStore(Vertx vertx) throws Exception {
    return PgStore.open(vertx, uri, 4).await(60, TimeUnit.SECONDS);
  }
}
