package dev.arcpgateway.store;

import dev.arcpgateway.store.memory.MemoryStore;
import io.vertx.core.Vertx;

/** The store contract on the in-memory store. */
class MemoryStoreContractTest extends GatewayStoreContract {

  @Override
  protected GatewayStore createStore(Vertx vertx) {
    return new MemoryStore();
  }
}
