package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.last;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.terminalPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.Gateway;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's embedding example: a gateway with one agent, deployed into an application's Vert.x. */
@ExtendWith(VertxExtension.class)
class EmbeddingTest {

  @Test
  void aGreeterGatewayRunsAJobEndToEndAndStopsOnUndeploy(Vertx vertx) throws Exception {
    // --- the README lines ---
    Gateway gateway = Gateway.builder()
        .options(new GatewayOptions().setPort(0).addToken("alice", "s3cret"))
        .agent("greeter", "1.0.0", job -> Future.succeededFuture("hello " + job.inputObject().getString("name")))
        .build();
    Gateway deployed = gateway.deploy(vertx).await(30, TimeUnit.SECONDS);
    // ---
    assertSame(gateway, deployed);
    int port = gateway.port();
    assertTrue(port > 0, "bound to a free port: " + port);

    WireClient client = WireClient.connect(vertx, port);
    JsonObject welcome = client.hello("s3cret");
    assertEquals(new JsonArray().add(new JsonObject().put("name", "greeter")
            .put("versions", new JsonArray().add("1.0.0")).put("default", "1.0.0")
            .put("x-vendor.arcpgateway.connection", new JsonObject().put("kind", "java").put("providers", 1))),
        welcome.getJsonObject("payload").getJsonObject("capabilities").getJsonArray("agents"));

    String id = client.submit("greeter", new JsonObject().put("name", "ada"));
    JsonObject accepted = client.expectAccepted(id);
    assertEquals("greeter@1.0.0", payload(accepted).getString("agent"));
    JsonObject result = last(client.untilTerminal(accepted.getString("job_id")));
    assertEquals("job.result", result.getString("type"));
    assertEquals(new JsonObject().put("final_status", "success").put("result", "hello ada"),
        terminalPayload(result));

    gateway.undeploy().await(10, TimeUnit.SECONDS);
    client.awaitClose();
    assertThrows(IllegalStateException.class, () -> WireClient.connect(vertx, port), "connection refused");
  }

  @Test
  void aWrongTokenIsRefused(Vertx vertx) throws Exception {
    Gateway gateway = Gateway.builder()
        .options(new GatewayOptions().setPort(0).addToken("alice", "s3cret"))
        .agent("greeter", "1.0.0", job -> Future.succeededFuture("hi"))
        .build();
    gateway.deploy(vertx).await(30, TimeUnit.SECONDS);
    try {
      WireClient client = WireClient.connect(vertx, gateway.port());
      client.send(dev.arcpgateway.testing.Wire.hello("not-the-token"));
      JsonObject error = client.next();
      assertEquals("session.error", error.getString("type"), error.encode());
      assertEquals("UNAUTHENTICATED", payload(error).getString("code"));
      client.close();
    } finally {
      gateway.undeploy().await(10, TimeUnit.SECONDS);
    }
  }
}
