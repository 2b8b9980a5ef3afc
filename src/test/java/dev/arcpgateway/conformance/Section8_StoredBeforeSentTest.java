package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.JobFrame;
import dev.arcpgateway.store.EventLog;
import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.ForwardingStore;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * §8 with a store that answers late (issue 10): a job's frames reach its client only once the event log has stored
 * them, so no client is ever shown an event a restart would lose. The store here holds every append until the test
 * opens it.
 */
class Section8_StoredBeforeSentTest {

  /** The memory store, except that appends complete only once {@link #open} completes, in the order made. */
  static final class HeldEvents extends ForwardingStore {
    final Promise<Void> open = Promise.promise();
    final Promise<Void> sixAsked = Promise.promise();
    private final AtomicInteger asked = new AtomicInteger();
    private final Vertx vertx;

    HeldEvents(Vertx vertx) {
      this.vertx = vertx;
    }

    private final EventLog events = new EventLog() {
      @Override
      public Future<Void> append(String jobId, List<JobFrame> appended) {
        Context writer = vertx.getOrCreateContext();
        Promise<Void> landed = Promise.promise();
        open.future().onComplete(v -> writer.runOnContext(n -> memory.events().append(jobId, appended)
            .onComplete(landed)));
        if (asked.incrementAndGet() == 6) {
          sixAsked.complete();
        }
        return landed.future();
      }

      @Override
      public Future<List<JobFrame>> read(String jobId, long afterIndex, int limit) {
        return memory.events().read(jobId, afterIndex, limit);
      }
    };

    @Override
    public EventLog events() {
      return events;
    }
  }

  @Test
  void noFrameReachesTheClientBeforeTheStoreHasIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    HeldEvents store = new HeldEvents(vertx);
    try (TestGateway gateway = TestGateway.start(vertx, options -> { }, List.of(), b -> b.store(store))) {
      WireClient client = gateway.session(TestGateway.ALICE);
      JsonObject submit = client.submit(new JsonObject().put("agent", "chatty")
          .put("input", new JsonObject().put("count", 5)));
      String jobId = client.expectAccepted(submit.getString("id")).getString("job_id");
      store.sixAsked.future().await(10, TimeUnit.SECONDS); // five events and the result wait in the store

      client.send(Continuity.ping(client.sessionId(), "barrier"));
      JsonObject pong = client.next();
      assertEquals("session.pong", type(pong), "nothing of the job before the store has it: " + pong.encode());

      store.open.complete();
      List<JsonObject> frames = client.untilTerminal(jobId);
      assertEquals(6, frames.size(), frames.toString());
      for (int i = 0; i < 5; i++) {
        assertEquals("job.event", type(frames.get(i)));
        assertTrue(frames.get(i).encode().contains("event " + i), "in order: " + frames.get(i).encode());
      }
      assertEquals("job.result", type(frames.get(5)));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
