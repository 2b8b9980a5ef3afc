package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.GateAgent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job followed and ended from other processes: {@code watch} sees what the submitter sees, {@code cancel} ends
 * it, and Ctrl-C ({@code SIGINT}) cancels a submitted job but only stops a watch.
 */
class CliWatchAndCancelTest {

  private static CliGateway gateway;

  @BeforeAll
  static void start() {
    gateway = new CliGateway();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
  }

  @Test
  void watchFromASecondProcessSeesTheSubmittersEvents() {
    try (CliProcess submit = CliProcess.start(gateway.alice(), "submit", "--agent", "gate",
        "--input", GateAgent.input("watched").encode(), "--output", "json")) {
      String jobId = new JsonObject(submit.awaitStdout(out -> out.contains("\n"), "job.accepted").lines()
          .findFirst().orElseThrow()).getString("job_id");
      GateAgent.emit(gateway.vertx(), "watched", 3);
      submit.awaitStdout(out -> out.contains("step 2"), "the first events");

      try (CliProcess watch = CliProcess.start(gateway.alice(), "watch", jobId, "--output", "json")) {
        watch.awaitStdout(out -> out.contains("\"job.subscribed\""), "job.subscribed");
        GateAgent.emit(gateway.vertx(), "watched", 3);
        GateAgent.finish(gateway.vertx(), "watched");

        assertEquals(0, submit.exitCode(), submit::describe);
        assertEquals(0, watch.exitCode(), watch::describe);
        List<JsonObject> submitted = jobPayloads(submit.stdout());
        assertEquals(7, submitted.size(), submit::describe); // 6 log events and the result
        assertEquals(submitted, jobPayloads(watch.stdout()), "the same events, in the same order");
        assertEquals("", watch.stderr(), watch::describe);
      }
    }
  }

  @Test
  void watchInTextModeReplaysAnEndedJobAndPrintsItsResult() {
    String jobId = gateway.submitDetached("chatty", "{\"count\": 2, \"size\": 8}");
    CliProcess watch = CliProcess.run(gateway.alice(), "tail", jobId);
    assertEquals(0, watch.exitCode(), watch::describe);
    assertEquals(new JsonObject().put("count", 2), new JsonObject(watch.stdout()), watch::describe);
    assertEquals(2, watch.stderr().lines().filter(l -> l.startsWith("[info] ")).count(), watch::describe);
  }

  @Test
  void cancelFromASecondProcessEndsTheSubmittedJob() {
    try (CliProcess submit = CliProcess.start(gateway.alice(), "submit", "--agent", "gate",
        "--input", GateAgent.input("cancelled").encode())) {
      String jobId = acceptedId(submit);
      CliProcess cancel = CliProcess.run(gateway.alice(), "cancel", jobId, "--reason", "wrong input");

      assertEquals(0, cancel.exitCode(), cancel::describe);
      assertEquals("cancelled " + jobId + "\n", cancel.stdout(), cancel::describe);
      assertEquals(1, submit.exitCode(), submit::describe);
      assertTrue(submit.stderr().lines().anyMatch(l -> l.startsWith("job.error CANCELLED: ")), submit::describe);
      assertEquals("cancelled", status(jobId));
    }
  }

  @Test
  void ctrlCOnSubmitCancelsTheJobAndExits130() {
    try (CliProcess submit = CliProcess.start(gateway.alice(), "submit", "--agent", "gate",
        "--input", GateAgent.input("interrupted").encode())) {
      String jobId = acceptedId(submit);
      submit.interrupt();

      assertEquals(130, submit.exitCode(), submit::describe);
      assertTrue(submit.stderr().endsWith("interrupted: cancelled job " + jobId + "\n"), submit::describe);
      assertEquals("cancelled", status(jobId));
    }
  }

  @Test
  void ctrlCOnWatchOnlyStopsWatching() {
    String jobId = gateway.submitDetached("gate", GateAgent.input("still-running").encode());
    try (CliProcess watch = CliProcess.start(gateway.alice(), "watch", jobId)) {
      watch.awaitStderr(err -> err.contains("watching " + jobId), "the subscription");
      watch.interrupt();

      assertEquals(130, watch.exitCode(), watch::describe);
      assertTrue(watch.stderr().endsWith("interrupted: stopped watching job " + jobId + "; it keeps running\n"),
          watch::describe);
      assertEquals("running", status(jobId));
    }
    GateAgent.finish(gateway.vertx(), "still-running");
  }

  private static String acceptedId(CliProcess submit) {
    String line = submit.awaitStderr(err -> err.contains(")\n"), "accepted").lines().findFirst().orElseThrow();
    assertTrue(line.matches("accepted job_\\w+ \\(gate@1\\.0\\.0\\)"), submit::describe);
    return line.split(" ")[1];
  }

  /** The job's status as {@code jobs --output json} reports it. */
  private static String status(String jobId) {
    CliProcess jobs = CliProcess.run(gateway.alice(), "jobs", "--output", "json", "--all");
    assertEquals(0, jobs.exitCode(), jobs::describe);
    return jobs.stdout().lines().map(JsonObject::new).filter(j -> jobId.equals(j.getString("job_id")))
        .findFirst().orElseThrow(() -> new AssertionError(jobs.describe())).getString("status");
  }

  /** The payloads of the job frames with an event (events and the terminal frame), as printed line by line. */
  private static List<JsonObject> jobPayloads(String stdout) {
    return stdout.lines().map(JsonObject::new)
        .filter(f -> List.of("job.event", "job.result", "job.error").contains(f.getString("type")))
        .map(f -> f.getJsonObject("payload")).toList();
  }
}
