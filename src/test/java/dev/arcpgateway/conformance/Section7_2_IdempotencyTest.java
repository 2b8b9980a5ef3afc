package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.arcpgateway.testing.SlowJobStore;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §7.2: the same principal, idempotency key and parameters get the same job.accepted payload; different
 * parameters get DUPLICATE_KEY; keys are scoped per principal. Two job-runner instances share the key store.
 */
@ExtendWith(VertxExtension.class)
class Section7_2_IdempotencyTest {

  static TestGateway gateway;
  /**
   * Job records take 300 ms to write, as with a remote database. Its own Vert.x: gateways in one Vert.x share
   * the event-bus addresses.
   */
  static TestGateway slowStore;
  static Vertx slowVertx;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setLanes(2));
    slowVertx = Vertx.vertx();
    slowStore = TestGateway.start(slowVertx, options -> { }, List.of(),
        builder -> builder.store(new SlowJobStore(slowVertx, 300)));
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    slowStore.close();
    slowVertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  static JsonObject keyed(String key, Object input) {
    return new JsonObject().put("agent", "echo").put("input", input).put("idempotency_key", key)
        .put("lease_request", new JsonObject().put("cost.budget", new JsonArray().add("USD:1.50")))
        .put("max_runtime_sec", 60);
  }

  static JsonObject withoutRequestId(JsonObject accepted) {
    JsonObject copy = payload(accepted).copy();
    copy.remove("request_id");
    return copy;
  }

  @Test
  void sameKeyAndParametersReturnTheSameAcceptedPayload() {
    String key = "k-" + UUID.randomUUID();
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject first = client.submit(keyed(key, "same"));
    JsonObject accepted = client.expectAccepted(first.getString("id"));
    client.untilTerminal(accepted.getString("job_id"));

    JsonObject again = client.submit(keyed(key, "same"));
    JsonObject replay = client.expectAccepted(again.getString("id"));
    assertEquals(accepted.getString("job_id"), replay.getString("job_id"));
    assertEquals(withoutRequestId(accepted), withoutRequestId(replay));

    // another session of the same principal gets the same job too
    WireClient other = gateway.session(TestGateway.ALICE);
    JsonObject third = other.submit(keyed(key, "same"));
    assertEquals(withoutRequestId(accepted), withoutRequestId(other.expectAccepted(third.getString("id"))));
  }

  /**
   * Resubmissions that arrive while the first is still being accepted are "subsequent submissions" too; with a
   * store that takes time to write job records the window is wide open.
   */
  @Test
  void resubmissionsInFlightWithTheSameKeyShareOneJob() {
    WireClient client = slowStore.session(TestGateway.ALICE);
    for (int round = 0; round < 2; round++) {
      String key = "k-" + UUID.randomUUID();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ids.add(client.submit(keyed(key, "race")).getString("id"));
      }
      List<JsonObject> answers = new ArrayList<>();
      while (answers.size() < ids.size()) {
        JsonObject frame = client.next();
        if ("job.accepted".equals(frame.getString("type"))
            || ("job.error".equals(frame.getString("type")) && !frame.containsKey("job_id"))) {
          answers.add(frame);
        }
      }
      JsonObject first = answers.get(0);
      for (int i = 0; i < answers.size(); i++) {
        JsonObject answer = answers.get(i);
        assertEquals("job.accepted", answer.getString("type"), "submit " + i + " refused: " + answer.encode());
        assertEquals(ids.get(i), payload(answer).getString("request_id"));
        assertEquals(withoutRequestId(first), withoutRequestId(answer));
      }
    }
  }

  @Test
  void sameKeyWithDifferentParametersIsDuplicateKey() {
    String key = "k-" + UUID.randomUUID();
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject first = client.submit(keyed(key, "one"));
    String jobId = client.expectAccepted(first.getString("id")).getString("job_id");
    client.untilTerminal(jobId);

    JsonObject conflicting = Wire.submit(client.sessionId(), keyed(key, "two"))
        .put("trace_id", "0af7651916cd43dd8448eb211c80319c");
    client.send(conflicting);
    JsonObject error = assertRejectedSubmit(client, conflicting, "DUPLICATE_KEY");
    assertEquals(jobId, payload(error).getJsonObject("details").getString("existing_job_id"));
    // and the key still stands for the first job
    JsonObject again = client.submit(keyed(key, "one"));
    assertEquals(jobId, client.expectAccepted(again.getString("id")).getString("job_id"));
  }

  @Test
  void keysAreScopedPerPrincipal() {
    String key = "k-" + UUID.randomUUID();
    WireClient alice = gateway.session(TestGateway.ALICE);
    WireClient bob = gateway.session(TestGateway.BOB);
    JsonObject a = alice.submit(keyed(key, "shared"));
    String aliceJob = alice.expectAccepted(a.getString("id")).getString("job_id");
    alice.untilTerminal(aliceJob);

    JsonObject b = bob.submit(keyed(key, "shared"));
    JsonObject bobAccepted = bob.expectAccepted(b.getString("id"));
    assertNotEquals(aliceJob, bobAccepted.getString("job_id"));
    assertEquals("job.result", bob.untilTerminal(bobAccepted.getString("job_id")).get(0).getString("type"));

    // and bob's different parameters under alice's key are not a conflict either
    JsonObject c = bob.submit(keyed("k-" + key, "other"));
    bob.expectAccepted(c.getString("id"));
  }
}
