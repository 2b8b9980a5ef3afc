package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertStrictUtc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Job lifecycle moments published on {@value Addresses#LIFECYCLE} for embedding applications:
 * {@code {moment, job_id, agent, principal, session_id, status, at, code?}}.
 */
@ExtendWith(VertxExtension.class)
class LifecycleNotificationsTest {

  static final Set<String> KEYS = Set.of("moment", "job_id", "agent", "principal", "session_id", "status", "at");

  static TestGateway gateway;
  static MessageConsumer<JsonObject> consumer;
  static final LinkedBlockingQueue<JsonObject> NOTES = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    gateway = TestGateway.start(vertx, options -> options.setLifecycleNotifications(true));
    consumer = vertx.eventBus().<JsonObject>consumer(Addresses.LIFECYCLE, m -> NOTES.add(m.body().copy()));
    consumer.completion().await(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    consumer.unregister();
    gateway.close();
  }

  /** This job's moments (heartbeats left out) up to and including {@code last}. */
  static List<JsonObject> momentsOf(String jobId, String last) throws InterruptedException {
    List<JsonObject> moments = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonObject note = NOTES.poll(100, TimeUnit.MILLISECONDS);
      if (note == null || !jobId.equals(note.getString("job_id")) || "heartbeat".equals(note.getString("moment"))) {
        continue;
      }
      moments.add(note);
      if (last.equals(note.getString("moment"))) {
        return moments;
      }
    }
    throw new AssertionError("no " + last + " moment for " + jobId + "; saw " + moments);
  }

  static void assertCommon(List<JsonObject> moments, String jobId, String agent, WireClient client) {
    for (JsonObject note : moments) {
      assertEquals(jobId, note.getString("job_id"), note.encode());
      assertEquals(agent, note.getString("agent"), note.encode());
      assertEquals("alice", note.getString("principal"), note.encode());
      assertEquals(client.sessionId(), note.getString("session_id"), note.encode());
      assertStrictUtc(note.getString("at"));
      assertTrue(note.fieldNames().containsAll(KEYS), note.encode());
    }
  }

  static List<String> field(List<JsonObject> moments, String field) {
    return moments.stream().map(n -> n.getString(field)).toList();
  }

  @Test
  void anEchoJobIsQueuedStartedAndCompleted() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("echo", "hi");
    String jobId = client.expectAccepted(id).getString("job_id");
    List<JsonObject> moments = momentsOf(jobId, "completed");
    assertEquals(List.of("queued", "started", "completed"), field(moments, "moment"));
    assertEquals(List.of("pending", "running", "success"), field(moments, "status"));
    assertCommon(moments, jobId, "echo@2.0.0", client);
    moments.forEach(n -> assertFalse(n.containsKey("code"), "no code on " + n.encode()));
  }

  @Test
  void aFailingJobEndsFailedWithItsCode() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("fail", new JsonObject().put("code", "PERMISSION_DENIED").put("message", "no"));
    String jobId = client.expectAccepted(id).getString("job_id");
    List<JsonObject> moments = momentsOf(jobId, "failed");
    assertEquals(List.of("queued", "started", "failed"), field(moments, "moment"));
    assertEquals("error", moments.get(2).getString("status"));
    assertEquals("PERMISSION_DENIED", moments.get(2).getString("code"));
    assertCommon(moments, jobId, "fail@1.0.0", client);
  }

  @Test
  void aCancelledJobEndsCancelled() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    String id = client.submit("slow", new JsonObject().put("seconds", 30));
    String jobId = client.expectAccepted(id).getString("job_id");
    client.nextOfType("job.event"); // running
    client.send(Wire.cancel(client.sessionId(), jobId, "stop"));
    List<JsonObject> moments = momentsOf(jobId, "cancelled");
    assertEquals(List.of("queued", "started", "cancelled"), field(moments, "moment"));
    assertEquals(List.of("pending", "running", "cancelled"), field(moments, "status"));
    assertEquals("CANCELLED", moments.get(2).getString("code"));
    assertCommon(moments, jobId, "slow@1.0.0", client);
  }

  @Test
  void aTimedOutJobEndsFailedWithTimeout() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = client.submit(new JsonObject().put("agent", "slow")
        .put("input", new JsonObject().put("seconds", 30)).put("max_runtime_sec", 1));
    String jobId = client.expectAccepted(submit.getString("id")).getString("job_id");
    List<JsonObject> moments = momentsOf(jobId, "failed");
    assertEquals(List.of("queued", "started", "failed"), field(moments, "moment"));
    assertEquals("timed_out", moments.get(2).getString("status"));
    assertEquals("TIMEOUT", moments.get(2).getString("code"));
  }

  @Test
  void aRefusedSubmitPublishesNothing() throws Exception {
    WireClient client = gateway.session(TestGateway.ALICE);
    NOTES.clear();
    client.submit("no-such-agent", null);
    client.next();
    JsonObject placeholder = client.next();
    String placeholderJob = placeholder.getString("job_id");
    Thread.sleep(Duration.ofMillis(200).toMillis());
    assertTrue(NOTES.stream().noneMatch(n -> placeholderJob.equals(n.getString("job_id"))), NOTES.toString());
  }
}
