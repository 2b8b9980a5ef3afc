package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.JobFrames.assertRejectedSubmit;
import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.Leases.arr;
import static dev.arcpgateway.testing.Leases.await;
import static dev.arcpgateway.testing.Leases.lease;
import static dev.arcpgateway.testing.Leases.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.Leases;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several lanes share the work: connections, their sessions and jobs are spread over them, and everything addressed
 * to one session or job reaches the lane that owns it — resumes, subscriptions, cancels, listings, a delegation
 * token used from another lane — whichever lane a connection or request lands on.
 */
@ExtendWith(VertxExtension.class)
class LanesTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setLanes(3));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void manySessionsRunJobsResumeAndSubscribeAcrossLanes() {
    List<WireClient> clients = new ArrayList<>();
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      WireClient client = gateway.session(TestGateway.ALICE);
      clients.add(client);
      client.submit("slow", new JsonObject().put("seconds", 1));
      jobs.add(client.expect("job.accepted").getString("job_id"));
    }
    // every session can cancel nothing but its own job, wherever the job lives
    WireClient first = clients.get(0);
    first.send(dev.arcpgateway.testing.Wire.cancel(first.sessionId(), jobs.get(0), "enough"));
    first.nextOfType("job.cancelled");
    JsonObject cancelled = first.nextMatching(f -> "job.error".equals(f.getString("type")), "job.error");
    assertEquals("CANCELLED", cancelled.getJsonObject("payload").getString("code"));

    // a dropped session resumes through whichever lane the new connection reaches
    Set<String> resumed = new HashSet<>();
    for (int i = 1; i < 9; i++) {
      WireClient client = clients.get(i);
      String token = Continuity.resumeToken(client);
      client.drop();
      WireClient again = Continuity.resumeOn(gateway,
          Continuity.helloResume(TestGateway.ALICE, client.sessionId(), token, 0));
      assertEquals(client.sessionId(), again.sessionId());
      JsonObject result = again.nextMatching(f -> "job.result".equals(f.getString("type")), "job.result");
      assertEquals(jobs.get(i), result.getString("job_id"));
      resumed.add(again.sessionId());
    }
    assertEquals(8, resumed.size());

    // a new session subscribes to a finished job owned elsewhere and lists all of alice's jobs
    WireClient observer = gateway.session(TestGateway.ALICE);
    observer.send(Continuity.subscribe(observer.sessionId(), jobs.get(5), true, 0L));
    JsonObject subscribed = observer.nextOfType("job.subscribed");
    assertEquals("success", subscribed.getJsonObject("payload").getString("current_status"));
    observer.send(Continuity.listJobs(observer.sessionId(), new JsonObject().put("limit", 100)));
    JsonObject listing = observer.nextOfType("session.jobs");
    Set<String> listed = new HashSet<>();
    listing.getJsonObject("payload").getJsonArray("jobs")
        .forEach(entry -> listed.add(((JsonObject) entry).getString("job_id")));
    assertTrue(listed.containsAll(jobs), "every job is listed, whichever runner owns it: " + listing.encode());
  }

  /**
   * Connections are dealt to the lanes in turn, so the second connection's session is in another lane than the
   * first's. A child it submits with a delegation token of the first session's job is granted in the parent's
   * lane: its budget comes out of the parent's (a second child asking for more than is left is refused), and it
   * ends when the parent does.
   */
  @Test
  void aChildSubmittedFromAnotherLaneDrawsOnItsParentsBudgetAndEndsWithIt() {
    WireClient owner = gateway.session(TestGateway.ALICE);
    JsonObject budgeted = lease("tool.call", "search").put("cost.budget", arr("USD:1.00"));
    String parentId = Leases.accept(owner, Leases.payload("slow", new JsonObject().put("seconds", 30), budgeted))
        .getString("job_id");
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject child = Leases.payload("slow", new JsonObject().put("seconds", 30), null)
        .put("delegation_token", childToken(parentId));
    JsonObject accepted = payload(Leases.accept(client, child));
    assertEquals(parentId, accepted.getString("parent_job_id"), accepted.encode());
    assertEquals(0.6, number(accepted.getJsonObject("budget"), "USD"), 1e-9);

    JsonObject second = Wire.submit(client.sessionId(), Leases.payload("slow", new JsonObject().put("seconds", 30),
        null).put("delegation_token", childToken(parentId)));
    client.send(second);
    assertRejectedSubmit(client, second, "LEASE_SUBSET_VIOLATION"); // 0.40 left in the parent

    owner.send(Wire.cancel(owner.sessionId(), parentId, "done"));
    JsonObject ended = client.nextMatching(f -> "job.error".equals(f.getString("type"))
        && accepted.getString("job_id").equals(f.getString("job_id")), "the child's job.error");
    assertEquals("CANCELLED", ended.getJsonObject("payload").getString("code"), ended.encode());
    assertTrue(ended.getJsonObject("payload").getString("message").contains(parentId), ended.encode());
  }

  private static String childToken(String parentId) {
    return await(gateway.gateway().createDelegationToken("alice", lease("tool.call", "search")
        .put("cost.budget", arr("USD:0.60")), null, parentId, 60));
  }
}
