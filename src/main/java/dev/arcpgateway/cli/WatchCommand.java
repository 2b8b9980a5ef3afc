package dev.arcpgateway.cli;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code watch JOB_ID} (alias {@code tail}): subscribes to a job with its history (§7.6) and shows past and live
 * events as {@code submit} does, then exits with the job's outcome. Ctrl-C only stops watching.
 */
@Command(name = "watch", aliases = "tail", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Follow a job started anywhere (job.subscribe with history): past and live events on stderr, "
        + "the result on stdout; exits with the job's outcome. Ctrl-C stops watching (130); the job keeps running.",
    footer = {"%nExamples:",
        "  arcp-gateway watch job_01JZ8Q6V3M2K9T4W7XBC5DNF0A",
        "  arcp-gateway tail --output json job_01JZ8Q6V3M2K9T4W7XBC5DNF0A | jq .payload.kind"})
final class WatchCommand extends ClientCommand {

  private static final Set<String> TERMINAL = Set.of("success", "error", "cancelled", "timed_out");

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "the job to follow")
  String jobId;

  @Override
  Duration defaultTimeout() {
    return Duration.ZERO;
  }

  @Override
  int run(ArcpClient session, CliOutput output, Deadline deadline) {
    String subscribeId = session.send("job.subscribe", null, new JsonObject().put("job_id", jobId)
        .put("history", true).put("from_event_seq", 0));
    JobFollower follower = new JobFollower(output, jobId);
    try {
      while (true) {
        JsonObject frame = session.next(deadline, "the end of job " + jobId);
        if (subscribeId.equals(ClientFrames.refusedRequest(frame))) {
          throw refusal("job.subscribe", frame, output);
        }
        if (ClientFrames.answers(frame, "job.subscribed", subscribeId)) {
          Integer ended = subscribed(frame, output);
          if (ended != null) {
            return ended;
          }
          continue;
        }
        Integer exit = follower.show(frame);
        if (exit != null) {
          return exit;
        }
      }
    } catch (ArcpClient.Interrupted e) {
      throw new CliFailure(ExitCodes.INTERRUPTED, "interrupted: stopped watching job " + jobId
          + "; it keeps running");
    }
  }

  /**
   * The subscription's descriptor. The history replay precedes it, so a job that ended with its frames still
   * buffered was already shown to its end; one whose frames are gone ends the watch here with its status.
   */
  private Integer subscribed(JsonObject frame, CliOutput output) {
    JsonObject payload = frame.getJsonObject("payload", new JsonObject());
    String status = payload.getString("current_status", "");
    if (output.json()) {
      output.jsonLine(frame);
    } else {
      output.note("watching " + jobId + " (" + payload.getString("agent") + ", " + status
          + (payload.getString("parent_job_id") != null ? ", child of " + payload.getString("parent_job_id") : "")
          + ")");
    }
    if (!TERMINAL.contains(status)) {
      return null;
    }
    if ("success".equals(status)) {
      output.note("job " + jobId + " already ended: success (its result is no longer buffered)");
      return ExitCodes.SUCCESS;
    }
    output.note("job " + jobId + " already ended: " + status);
    return ExitCodes.JOB_ERROR;
  }
}
