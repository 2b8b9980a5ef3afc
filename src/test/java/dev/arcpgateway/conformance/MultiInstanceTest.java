package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.TestGateway;
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
 * Several instances of the transport, session and job-runner verticles share the work: sessions and jobs are
 * spread over them, and everything addressed to one session or job reaches the instance that owns it — resumes,
 * subscriptions, cancels, listings — whichever instance a connection or request lands on.
 */
@ExtendWith(VertxExtension.class)
class MultiInstanceTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> options.setTransportInstances(2).setSessionInstances(3)
        .setJobRunnerInstances(3));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void manySessionsRunJobsResumeAndSubscribeAcrossInstances() {
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

    // a dropped session resumes through whichever session instance the new connection reaches
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
}
