package dev.arcpgateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11: a Java agent and an agent process at capacity behave the same way. Each serves one job at a time
 * ({@code max_concurrent} 1) on a gateway where one more job may wait ({@code limits.agent_queue_max} 1): the next
 * job waits and starts when the slot frees, one beyond the queue is refused retryable, one cancelled or timed out
 * while waiting ends and never starts, a cancelled running job frees its slot at once. What the client sees is the
 * same for both kinds.
 */
class AgentCapacityTest {

  private static final String AGENT_TOKEN = "capacity-agent-token";
  private static final long DISPATCH_WAIT_MS = 3_000;
  private static final Duration NOT_STARTED = Duration.ofMillis(500);

  private final Vertx vertx = Vertx.vertx();
  private final HeldAgent javaAgent = new HeldAgent();
  private final TestGateway gateway = TestGateway.start(vertx, options -> options.setAgentQueueMax(1)
      .setRequestTimeoutMs(DISPATCH_WAIT_MS).setBridge(new JsonObject().put("port", 0).put("tokens",
          new JsonArray().add(new JsonObject().put("token", AGENT_TOKEN).put("name", "processes")
              .put("agents", new JsonArray().add("held-process"))))),
      List.of(new AgentRegistration("held-java", "1.0.0", true, 1, javaAgent)));
  private BridgeSocket socket;

  /** The two kinds of agent, each with one slot, driven from the test thread. */
  enum Kind {
    JAVA, PROCESS
  }

  /** One slot's agent as the test sees it: which job it started, and a way to end it. */
  private interface Slot {
    String agent();

    /** The job the agent started next (waits for it). */
    String started();

    /** Whether the agent starts no job within {@code wait}. */
    boolean startsNothing(Duration wait);

    void finish(String jobId);
  }

  @AfterEach
  void close() throws Exception {
    if (socket != null) {
      socket.close();
    }
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private Slot slot(Kind kind) {
    return kind == Kind.JAVA ? javaAgent : new ProcessSlot();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aJobBeyondMaxConcurrentWaitsAndStartsWhenTheSlotFrees(Kind kind) {
    Slot slot = slot(kind);
    WireClient client = gateway.session(TestGateway.ALICE);
    String first = startedOne(client, slot);
    String second = submit(client, slot);
    assertTrue(slot.startsNothing(NOT_STARTED), "one slot: the second job waits");

    finishes(client, slot, first);
    assertEquals(second, slot.started(), "started once the slot is free");
    finishes(client, slot, second);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aJobBeyondTheQueueIsRefusedRetryableAndTheWaitingOneStillRuns(Kind kind) {
    Slot slot = slot(kind);
    WireClient client = gateway.session(TestGateway.ALICE);
    String running = startedOne(client, slot);
    String waiting = submit(client, slot);
    String refused = submit(client, slot);

    JsonObject error = last(client.untilTerminal(refused));
    assertEquals("job.error", error.getString("type"), error.encode());
    JsonObject payload = error.getJsonObject("payload");
    assertEquals("AGENT_NOT_AVAILABLE", payload.getString("code"), payload.encode());
    assertEquals(true, payload.getBoolean("retryable"), payload.encode());
    assertTrue(payload.getString("message").contains("more are waiting"), payload.encode());

    slot.finish(running);
    assertEquals(waiting, slot.started(), "the job in the queue is next");
    finishes(client, slot, waiting);
    assertTrue(slot.startsNothing(NOT_STARTED), "the refused job never starts");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aJobCancelledWhileWaitingNeverStartsNorTakesItsPlace(Kind kind) {
    Slot slot = slot(kind);
    WireClient client = gateway.session(TestGateway.ALICE);
    String running = startedOne(client, slot);
    String cancelled = submit(client, slot);
    cancels(client, cancelled, "not needed");

    String next = submit(client, slot); // the queue's one place is free again
    slot.finish(running);
    assertEquals(next, slot.started(), "the cancelled job is skipped");
    finishes(client, slot, next);
    assertTrue(slot.startsNothing(NOT_STARTED), "the cancelled job never starts");
  }

  /** The agent ignores the cancel (the worst case): its slot is free all the same, as the job has ended. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void aRunningJobThatIsCancelledFreesItsSlotAtOnce(Kind kind) {
    Slot slot = slot(kind);
    WireClient client = gateway.session(TestGateway.ALICE);
    String cancelled = startedOne(client, slot);
    String waiting = submit(client, slot);
    cancels(client, cancelled, "changed my mind");

    assertEquals(waiting, slot.started(), "the waiting job takes the cancelled one's slot");
    finishes(client, slot, waiting);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aJobWaitingLongerThanADispatchMayEndsRetryableAndNeverStarts(Kind kind) {
    Slot slot = slot(kind);
    WireClient client = gateway.session(TestGateway.ALICE);
    String running = startedOne(client, slot);
    String waiting = submit(client, slot);

    JsonObject ended = last(client.untilTerminal(waiting));
    JsonObject payload = ended.getJsonObject("payload");
    assertEquals("AGENT_NOT_AVAILABLE", payload.getString("code"), ended.encode());
    assertEquals(true, payload.getBoolean("retryable"), payload.encode());
    assertTrue(payload.getString("message").contains("limits.request_timeout_ms"), payload.encode());

    finishes(client, slot, running);
    assertTrue(slot.startsNothing(NOT_STARTED), "the job that waited too long never starts");
  }

  /** Submits a job the agent starts at once. */
  private static String startedOne(WireClient client, Slot slot) {
    String jobId = submit(client, slot);
    assertEquals(jobId, slot.started());
    return jobId;
  }

  private static void finishes(WireClient client, Slot slot, String jobId) {
    slot.finish(jobId);
    assertEquals("job.result", last(client.untilTerminal(jobId)).getString("type"));
  }

  private static void cancels(WireClient client, String jobId, String reason) {
    client.send(Wire.cancel(client.sessionId(), jobId, reason));
    JsonObject ended = last(client.untilTerminal(jobId));
    assertEquals("CANCELLED", ended.getJsonObject("payload").getString("code"), ended.encode());
  }

  private static String submit(WireClient client, Slot slot) {
    String requestId = client.submit(slot.agent(), new JsonObject());
    return client.expectAccepted(requestId).getString("job_id");
  }

  private static JsonObject last(List<JsonObject> frames) {
    return frames.get(frames.size() - 1);
  }

  /** {@code held-java}: each job runs until the test finishes it; it does not notice a cancel. */
  private static final class HeldAgent implements Agent, Slot {
    private final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    private final Map<String, Promise<Object>> jobs = new ConcurrentHashMap<>();
    private final Map<String, Context> contexts = new ConcurrentHashMap<>();

    @Override
    public Future<?> run(JobContext job) {
      Promise<Object> done = Promise.promise();
      jobs.put(job.jobId(), done);
      contexts.put(job.jobId(), Vertx.currentContext());
      started.add(job.jobId());
      return done.future();
    }

    @Override
    public String agent() {
      return "held-java";
    }

    @Override
    public String started() {
      return poll(BridgeSocket.WAIT);
    }

    @Override
    public boolean startsNothing(Duration wait) {
      return poll(wait) == null;
    }

    @Override
    public void finish(String jobId) {
      contexts.get(jobId).runOnContext(v -> jobs.get(jobId).tryComplete(new JsonObject().put("done", jobId)));
    }

    private String poll(Duration wait) {
      try {
        return started.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** {@code held-process}: a raw bridge connection announcing one slot; the test sends each job's result. */
  private final class ProcessSlot implements Slot {
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    ProcessSlot() {
      socket = BridgeSocket.announced(gateway.gateway().bridgePort(), AGENT_TOKEN, "held-process", "1.0.0", 1);
    }

    @Override
    public String agent() {
      return "held-process";
    }

    /** The next dispatch; a cancel on the way is ignored, as a process slow to notice it would. */
    @Override
    public String started() {
      JsonObject dispatch = socket.nextInbox();
      if ("cancel".equals(dispatch.getString("op"))) {
        dispatch = socket.nextInbox();
      }
      assertEquals("dispatch", dispatch.getString("op"), dispatch.encode());
      tokens.put(dispatch.getString("job_id"), dispatch.getString("job_token"));
      return dispatch.getString("job_id");
    }

    @Override
    public boolean startsNothing(Duration wait) {
      JsonObject frame = socket.poll(wait);
      assertNull(frame, () -> "nothing more may reach the process: " + frame.encode());
      return true;
    }

    @Override
    public void finish(String jobId) {
      socket.sendTo("arcp.job." + jobId, new JsonObject().put("op", "result").put("result", "done")
          .put("job_token", tokens.get(jobId)));
    }
  }
}
