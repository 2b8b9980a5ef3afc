package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * §7.4 (issue 8 item 17): a cancel that reaches a job before its agent listens on the job's address is not lost.
 * The agent here is a provider on the event bus that takes its time between receiving a dispatch and listening
 * for the job's orders, as a remote or busy agent host does; it must still hear the cancel, or it would run the
 * job orphaned and never free its slot.
 */
class Section7_4_CancelBeforeListeningTest {

  static final String PROVIDER = "test_late_listener";

  static Vertx vertx;
  static TestGateway gateway;
  static final LinkedBlockingQueue<Message<JsonObject>> dispatches = new LinkedBlockingQueue<>();
  static MessageConsumer<JsonObject> agent;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    gateway = TestGateway.start(vertx);
    agent = vertx.eventBus().consumer(Addresses.agent("late", "1.0.0"), dispatches::add);
    agent.completion().await(10, TimeUnit.SECONDS);
    vertx.eventBus().request(Addresses.AGENT_REGISTRY, new JsonObject().put("op", "announce")
        .put("provider", PROVIDER).put("name", "late").put("version", "1.0.0").put("default", true))
        .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.eventBus().request(Addresses.AGENT_REGISTRY, new JsonObject().put("op", "withdraw")
        .put("provider", PROVIDER)).await(10, TimeUnit.SECONDS);
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aCancelBeforeTheAgentListensReachesItOnceItDoes() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    String jobId = client.expectAccepted(client.submit("late", "work")).getString("job_id");
    Message<JsonObject> dispatch = dispatches.poll(10, TimeUnit.SECONDS);
    assertNotNull(dispatch, "the job was dispatched");
    assertEquals(jobId, dispatch.body().getString("job_id"));

    client.send(Wire.cancel(client.sessionId(), jobId, "changed my mind"));
    client.expect("job.cancelled");
    JsonObject ended = client.expect("job.error");
    assertEquals("cancelled", payload(ended).getString("final_status"), ended.encode());

    LinkedBlockingQueue<JsonObject> orders = new LinkedBlockingQueue<>();
    MessageConsumer<JsonObject> listening = vertx.eventBus().consumer(Addresses.agentJob(jobId),
        order -> orders.add(order.body()));
    listening.completion().await(10, TimeUnit.SECONDS);
    dispatch.reply(new JsonObject().put("provider", PROVIDER));
    JsonObject order = orders.poll(10, TimeUnit.SECONDS);
    listening.unregister();
    assertNotNull(order, "the agent heard that the job ended");
    assertEquals("cancel", order.getString("op"), order.encode());
    assertEquals("changed my mind", order.getString("reason"), order.encode());
  }
}
