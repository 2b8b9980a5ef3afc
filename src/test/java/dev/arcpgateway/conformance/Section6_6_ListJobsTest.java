package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRequestRefused;
import static dev.arcpgateway.testing.Continuity.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.IsolatedGateway;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §6.6 {@code session.list_jobs} → {@code session.jobs} (wire-notes §4.6, §13 "session.jobs entries"): feature
 * gating, the entry fields every SDK client reads, newest first, filters, limit bounds, opaque cursor paging with
 * {@code next_cursor} always present, and principal scoping (§14: no leaks unless policy grants it). Listings are
 * per principal, so each test uses its own principal.
 */
@ExtendWith(VertxExtension.class)
class Section6_6_ListJobsTest {

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> {
      for (String name : List.of("carol", "dave", "erin", "frank", "grace")) {
        options.addToken(name, token(name));
      }
    }, List.of(GateAgent.registration()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  static String token(String principal) {
    return "tok-" + principal;
  }

  /** Sends {@code session.list_jobs} with {@code payload} and returns the {@code session.jobs} answer. */
  static JsonObject list(WireClient client, JsonObject payload) {
    JsonObject request = Continuity.listJobs(client.sessionId(), payload);
    client.send(request);
    JsonObject jobs = client.next();
    assertEquals("session.jobs", jobs.getString("type"), jobs.encode());
    assertEquals(client.sessionId(), jobs.getString("session_id"));
    assertNull(jobs.getValue("event_seq"), "listings are not numbered");
    JsonObject answer = jobs.getJsonObject("payload");
    assertEquals(request.getString("id"), answer.getString("request_id"));
    assertTrue(answer.containsKey("next_cursor"), "next_cursor is always present: " + jobs.encode());
    return answer;
  }

  static List<String> ids(JsonObject answer) {
    return answer.getJsonArray("jobs").stream().map(JsonObject.class::cast).map(j -> j.getString("job_id"))
        .collect(Collectors.toList());
  }

  /** Submits an echo job and waits for its result; returns the job.accepted frame. */
  static JsonObject echo(WireClient client) {
    client.submit("echo", new JsonObject().put("x", 1));
    JsonObject accepted = client.expect("job.accepted");
    client.expect("job.result");
    return accepted;
  }

  @Test
  void withoutTheFeatureListJobsIsInvalidRequest() {
    WireClient client = Continuity.session(gateway, TestGateway.ALICE, Continuity.featuresWithout("list_jobs"));
    JsonObject request = Continuity.listJobs(client.sessionId(), new JsonObject());
    client.send(request);
    assertRequestRefused(client, request.getString("id"), "INVALID_REQUEST");
  }

  @Test
  void entriesCarryEveryFieldNewestFirst() {
    WireClient client = gateway.session(token("carol"));
    List<JsonObject> accepted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      accepted.add(echo(client));
    }
    client.submit(GateAgent.NAME, GateAgent.input("carol-list"));
    JsonObject gate = client.expect("job.accepted");
    GateAgent.emit(gateway.vertx(), "carol-list", 2);
    assertEquals(4, seq(client.expect("job.event")));
    assertEquals(5, seq(client.expect("job.event")));
    accepted.add(gate);

    JsonObject answer = list(client, new JsonObject());
    assertNull(answer.getValue("next_cursor"), "one page: next_cursor null");
    JsonArray jobs = answer.getJsonArray("jobs");
    assertEquals(4, jobs.size(), jobs.encode());
    long[] lastSeqs = {5, 3, 2, 1};
    Instant previous = null;
    for (int i = 0; i < 4; i++) {
      JsonObject entry = jobs.getJsonObject(i);
      JsonObject expected = accepted.get(3 - i).getJsonObject("payload");
      assertEquals(expected.getString("job_id"), entry.getString("job_id"), "newest first: " + jobs.encode());
      assertEquals(i == 0 ? "gate@1.0.0" : "echo@2.0.0", entry.getString("agent"));
      assertEquals(i == 0 ? "running" : "success", entry.getString("status"));
      assertNotNull(entry.getJsonObject("lease"), "lease is an object: " + entry.encode());
      assertEquals(expected.getJsonObject("lease"), entry.getJsonObject("lease"));
      assertTrue(entry.containsKey("parent_job_id") && entry.getValue("parent_job_id") == null, entry.encode());
      Instant created = Instant.parse(entry.getString("created_at"));
      assertEquals(created, Instant.parse(entry.getString("submitted_at")), "Python reads submitted_at");
      if (previous != null) {
        assertFalse(created.isAfter(previous), "newest first by created_at");
      }
      previous = created;
      assertEquals(expected.getString("trace_id"), entry.getString("trace_id"));
      assertEquals(lastSeqs[i], entry.getLong("last_event_seq"), "last_event_seq of " + entry.encode());
      assertFalse(entry.containsKey("credentials"), "listings never carry credentials");
    }
    GateAgent.finish(gateway.vertx(), "carol-list");
  }

  @Test
  void filtersByStatusAgentAndCreatedAfter() throws InterruptedException {
    WireClient client = gateway.session(token("dave"));
    String echo1 = echo(client).getString("job_id");
    String echo2 = echo(client).getString("job_id");
    Thread.sleep(20);
    Instant between = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Thread.sleep(20);
    String echo3 = echo(client).getString("job_id");
    client.submit(GateAgent.NAME, GateAgent.input("dave-filter"));
    String gate = client.expect("job.accepted").getString("job_id");
    GateAgent.emit(gateway.vertx(), "dave-filter", 1); // running for sure once its first event is out
    client.expect("job.event");

    JsonObject running = new JsonObject().put("status", Continuity.strings("running"));
    assertEquals(List.of(gate), ids(list(client, new JsonObject().put("filter", running))));
    JsonObject finished = new JsonObject().put("status", Continuity.strings("success", "error"));
    assertEquals(List.of(echo3, echo2, echo1), ids(list(client, new JsonObject().put("filter", finished))));
    JsonObject byAgent = new JsonObject().put("agent", "echo");
    assertEquals(List.of(echo3, echo2, echo1), ids(list(client, new JsonObject().put("filter", byAgent))));
    JsonObject gateOnly = new JsonObject().put("agent", "gate");
    assertEquals(List.of(gate), ids(list(client, new JsonObject().put("filter", gateOnly))));
    JsonObject recent = new JsonObject().put("created_after", between.toString());
    assertEquals(List.of(gate, echo3), ids(list(client, new JsonObject().put("filter", recent))));
    JsonObject combined = new JsonObject().put("created_after", between.toString()).put("agent", "echo")
        .put("status", Continuity.strings("success"));
    assertEquals(List.of(echo3), ids(list(client, new JsonObject().put("filter", combined))));
    GateAgent.finish(gateway.vertx(), "dave-filter");
  }

  @Test
  void limitOutsideOneToThousandIsInvalidRequest() {
    WireClient client = gateway.session(token("erin"));
    for (long limit : new long[] {0, -1, 1_001}) {
      JsonObject request = Continuity.listJobs(client.sessionId(), new JsonObject().put("limit", limit));
      client.send(request);
      assertRequestRefused(client, request.getString("id"), "INVALID_REQUEST");
    }
    assertEquals(List.of(), ids(list(client, new JsonObject().put("limit", 1_000))));
    assertEquals(List.of(), ids(list(client, new JsonObject().put("limit", 1))));
  }

  @Test
  void cursorPagingVisitsEveryJobExactlyOnce() {
    WireClient client = gateway.session(token("frank"));
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      submitted.add(0, echo(client).getString("job_id")); // newest first
    }
    List<String> seen = new ArrayList<>();
    List<Integer> pageSizes = new ArrayList<>();
    Object cursor = null;
    do {
      JsonObject request = new JsonObject().put("limit", 3);
      if (cursor != null) {
        request.put("cursor", cursor);
      }
      JsonObject page = list(client, request);
      seen.addAll(ids(page));
      pageSizes.add(page.getJsonArray("jobs").size());
      cursor = page.getValue("next_cursor");
      assertTrue(cursor == null || cursor instanceof String, "next_cursor is an opaque string or null");
      assertTrue(pageSizes.size() <= 3, "paging must end");
    } while (cursor != null);
    assertEquals(List.of(3, 3, 1), pageSizes);
    assertEquals(submitted, seen, "every job exactly once, newest first across pages");
    assertEquals(7, new HashSet<>(seen).size());
  }

  @Test
  void badCursorIsInvalidRequest() {
    WireClient client = gateway.session(token("grace"));
    echo(client);
    for (String cursor : List.of("not a cursor!", "Zm9vYmFy", "")) {
      JsonObject request = Continuity.listJobs(client.sessionId(), new JsonObject().put("cursor", cursor));
      client.send(request);
      assertRequestRefused(client, request.getString("id"), "INVALID_REQUEST");
    }
  }

  @Test
  void otherPrincipalsJobsAreNotListed() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    Set<String> aliceJobs = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      aliceJobs.add(echo(alice).getString("job_id"));
    }
    WireClient bob = gateway.session(TestGateway.BOB);
    String bobJob = echo(bob).getString("job_id");

    List<String> bobSees = ids(list(bob, new JsonObject().put("limit", 1_000)));
    assertTrue(bobSees.contains(bobJob));
    for (String job : aliceJobs) {
      assertFalse(bobSees.contains(job), "bob must not see alice's job " + job);
    }
    assertFalse(ids(list(alice, new JsonObject().put("limit", 1_000))).contains(bobJob));
  }

  @Test
  void anObserveGrantListsTheGrantedPrincipalsJobs() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options ->
        options.setObservers(new JsonObject().put("bob", new JsonArray().add("alice"))))) {
      TestGateway gw = isolated.gateway();
      WireClient alice = gw.session(TestGateway.ALICE);
      String aliceJob = echo(alice).getString("job_id");
      WireClient bob = gw.session(TestGateway.BOB);
      String bobJob = echo(bob).getString("job_id");

      List<String> bobSees = ids(list(bob, new JsonObject()));
      assertEquals(List.of(bobJob, aliceJob), bobSees, "bob observes alice by policy, and himself");
      assertEquals(List.of(aliceJob), ids(list(alice, new JsonObject())), "the grant is one-way");
    }
  }
}
