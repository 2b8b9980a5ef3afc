package dev.arcpgateway.testing;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.agent.JobContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * {@code gate@1.0.0}: a test agent driven step by step from the test thread, so that tests decide exactly which
 * events exist before and after a subscribe, a drop or a resume. Input {@code {"key": K}}; the test then calls
 * {@link #emit} (log events {@code "step 0"}, {@code "step 1"}, … numbered per job, optionally padded) and
 * {@link #finish} (result {@code {"steps": n}}).
 */
public final class GateAgent implements Agent {

  public static final String NAME = "gate";
  public static final String VERSION = "1.0.0";

  public static AgentRegistration registration() {
    return AgentRegistration.of(NAME, VERSION, new GateAgent());
  }

  public static JsonObject input(String key) {
    return new JsonObject().put("key", key);
  }

  @Override
  public Future<?> run(JobContext job) {
    String key = job.inputObject().getString("key");
    Promise<Object> done = Promise.promise();
    int[] steps = {0};
    MessageConsumer<JsonObject> consumer = job.vertx().eventBus().consumer(address(key));
    consumer.handler(message -> {
      JsonObject order = message.body();
      if (order.getBoolean("finish", false)) {
        consumer.unregister();
        message.reply(new JsonObject().put("steps", steps[0]));
        done.tryComplete(new JsonObject().put("steps", steps[0]));
        return;
      }
      int count = order.getInteger("emit", 0);
      String pad = order.getInteger("pad", 0) > 0 ? " " + "x".repeat(order.getInteger("pad")) : "";
      Future<Void> last = Future.succeededFuture();
      for (int i = 0; i < count; i++) {
        last = job.log("info", "step " + steps[0]++ + pad);
      }
      last.onComplete(v -> message.reply(new JsonObject().put("steps", steps[0])));
    });
    job.whenCancelled().onComplete(v -> consumer.unregister());
    return done.future();
  }

  /** Has job {@code key} emit {@code count} log events; returns once the gateway took them. */
  public static void emit(Vertx vertx, String key, int count) {
    order(vertx, key, new JsonObject().put("emit", count));
  }

  /** Like {@link #emit(Vertx, String, int)}, each message padded with {@code pad} more characters. */
  public static void emit(Vertx vertx, String key, int count, int pad) {
    order(vertx, key, new JsonObject().put("emit", count).put("pad", pad));
  }

  /** Ends job {@code key} with a result. */
  public static void finish(Vertx vertx, String key) {
    order(vertx, key, new JsonObject().put("finish", true));
  }

  private static void order(Vertx vertx, String key, JsonObject order) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        vertx.eventBus().request(address(key), order).await(10, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        boolean notStarted = e instanceof io.vertx.core.eventbus.ReplyException reply
            && reply.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS;
        if (!notStarted || System.nanoTime() > deadline) {
          throw new AssertionError("gate job " + key + " did not take " + order.encode(), e);
        }
        try {
          Thread.sleep(20); // the agent may not have started yet
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new AssertionError(interrupted);
        }
      }
    }
  }

  private static String address(String key) {
    return "test.gate." + key;
  }
}
