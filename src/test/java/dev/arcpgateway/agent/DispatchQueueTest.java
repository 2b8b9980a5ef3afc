package dev.arcpgateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.cluster.NodeRoutes;
import dev.arcpgateway.ops.LiveCount;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link DispatchQueue}: a job's end can overtake its dispatch (the runner's cancel finds nobody at the job's order
 * address while the dispatch is still on its way), so a job that is to wait asks its owner whether it still lives.
 * These tests play the job runner's side on the bus: the dispatch's sender and the job's address.
 */
@ExtendWith(VertxExtension.class)
class DispatchQueueTest {

  private static final String HOST = "test.dispatch-queue.host";

  private Vertx vertx;
  private Context host;
  private DispatchQueue queue;
  private final LiveCount hosted = new LiveCount();

  @BeforeEach
  void hostListens(Vertx vertx) throws Exception {
    this.vertx = vertx;
    Bus.install(vertx);
    host = vertx.getOrCreateContext();
    onHost(() -> {
      queue = new DispatchQueue(vertx, NodeRoutes.of(vertx), "busy@1.0.0", 4, hosted);
      return vertx.eventBus().<JsonObject>consumer(HOST, dispatch -> queue.offer(dispatch, 1, 0))
          .completion();
    });
  }

  private <T> T onHost(Supplier<Future<T>> action) throws Exception {
    Promise<T> done = Promise.promise();
    host.runOnContext(v -> action.get().onComplete(done));
    return done.future().await(10, TimeUnit.SECONDS);
  }

  private Future<Message<JsonObject>> dispatch(String jobId) {
    return vertx.eventBus().request(HOST, new JsonObject().put("op", "dispatch").put("job_id", jobId), Bus.OPTIONS);
  }

  private static void assertEndedBeforeTaken(Future<Message<JsonObject>> dispatch) {
    ReplyException refused = assertThrows(ReplyException.class, () -> dispatch.await(10, TimeUnit.SECONDS));
    assertEquals("CANCELLED", new JsonObject(refused.getMessage()).getString("code"), refused.getMessage());
  }

  private boolean queueEmpty() throws Exception {
    return onHost(() -> Future.succeededFuture(queue.isEmpty()));
  }

  @Test
  void aJobThatEndedBeforeItsDispatchArrivedLeavesTheQueueAndItsDispatchIsAnswered() throws Exception {
    // nobody listens at the job's address: its runner ended it and let the address go
    assertEndedBeforeTaken(dispatch("job_ended"));
    assertTrue(queueEmpty());
    assertEquals(0, hosted.count(), "a job that left the queue is no longer hosted");
  }

  @Test
  void aLiveJobWaitsAndItsOwnerLearnsWhereItsOrdersGo() throws Exception {
    List<JsonObject> heard = new CopyOnWriteArrayList<>();
    Promise<Void> told = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.job("job_live"), message -> {
      heard.add(message.body());
      message.reply(new JsonObject(), Bus.OPTIONS);
      told.tryComplete();
    }).completion().await(10, TimeUnit.SECONDS);
    Future<Message<JsonObject>> dispatch = dispatch("job_live");
    told.future().await(10, TimeUnit.SECONDS);
    assertEquals(List.of(new JsonObject().put("op", "waiting").putNull("node")), heard);
    assertFalse(queueEmpty(), "a live job keeps its place");
    assertEquals(1, hosted.count());
    // its cancel now finds the queue listening
    vertx.eventBus().send(Addresses.agentJob("job_live"), new JsonObject().put("op", "cancel"), Bus.OPTIONS);
    assertEndedBeforeTaken(dispatch);
    assertTrue(queueEmpty());
    assertEquals(0, hosted.count());
  }
}
