package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lifecycle notes cost three bus messages per job, so a gateway publishes them only when its options ask for them
 * (or a bridge token observes them): with the defaults, a consumer on {@value Addresses#LIFECYCLE} hears nothing.
 */
@ExtendWith(VertxExtension.class)
class LifecycleNotificationsOffTest {

  @Test
  void withTheDefaultsNoLifecycleNoteIsPublished(Vertx vertx) throws Exception {
    LinkedBlockingQueue<JsonObject> notes = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.LIFECYCLE, m -> notes.add(m.body()));
    consumer.completion().await(5, TimeUnit.SECONDS);
    TestGateway gateway = TestGateway.start(vertx);
    try {
      WireClient client = gateway.session(TestGateway.ALICE);
      String id = client.submit("echo", "hi");
      client.expectAccepted(id);
      assertEquals("job.result", client.nextOfType("job.result").getString("type"));
      client.expectSilence(Duration.ofMillis(200));
      assertTrue(notes.isEmpty(), notes.toString());
    } finally {
      consumer.unregister();
      gateway.close();
    }
  }
}
