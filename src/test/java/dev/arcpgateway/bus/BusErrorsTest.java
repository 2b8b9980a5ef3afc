package dev.arcpgateway.bus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request to an address whose consumer is gone reads as "nobody consumes it", also when the consumer left
 * while the request waited in its queue: a job that ended just as a cancel reached it is "already ended", not
 * an internal error after a timeout (the race a loaded CI machine hit in Section7_4_CancelTest).
 */
class BusErrorsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aRequestQueuedForAConsumerThatUnregistersIsNoHandlers() throws Exception {
    Promise<Throwable> outcome = Promise.promise();
    vertx.runOnContext(v -> {
      MessageConsumer<String> consumer = vertx.eventBus().consumer("job.x", message -> message.reply("taken"));
      consumer.completion().onSuccess(registered -> {
        // on the consumer's own thread: the request is queued for it, then the consumer leaves before taking it
        Future<?> request = vertx.eventBus().request("job.x", "cancel", new DeliveryOptions().setSendTimeout(30_000));
        consumer.unregister();
        request.onComplete(result -> outcome.complete(result.cause()));
      });
    });
    Throwable failure = outcome.future().await(10, TimeUnit.SECONDS);
    assertTrue(BusErrors.noHandlers(failure), String.valueOf(failure));
  }

  @Test
  void aRequestToNoConsumerIsNoHandlers() throws Exception {
    Throwable failure = vertx.eventBus().request("nobody", "hello").transform(Future::succeededFuture)
        .await(10, TimeUnit.SECONDS).cause();
    assertTrue(BusErrors.noHandlers(failure), String.valueOf(failure));
  }

  @Test
  void aRealTimeoutIsNotNoHandlers() throws Exception {
    vertx.eventBus().consumer("silent", message -> { }).completion().await(10, TimeUnit.SECONDS);
    Throwable failure = vertx.eventBus().request("silent", "hello", new DeliveryOptions().setSendTimeout(50))
        .transform(Future::succeededFuture).await(10, TimeUnit.SECONDS).cause();
    assertFalse(BusErrors.noHandlers(failure), String.valueOf(failure));
    assertFalse(BusErrors.noHandlers(new ReplyException(ReplyFailure.TIMEOUT, "Timed out")));
  }
}
