package dev.arcpgateway.cli;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cancel JOB_ID}: {@code job.cancel} (§7.4) and the runtime's answer. */
@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Cancel one of your jobs and report the outcome: exit 0 once the runtime acknowledged "
        + "(job.cancelled), 1 when it refused (the ARCP code is printed, e.g. JOB_NOT_FOUND).",
    footer = {"%nExample:", "  arcp-gateway cancel job_01JZ8Q6V3M2K9T4W7XBC5DNF0A --reason 'wrong input'"})
final class CancelCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "the job to cancel")
  String jobId;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why; the job's error message says it")
  String reason;

  @Override
  Duration defaultTimeout() {
    return Duration.ofSeconds(30);
  }

  @Override
  int run(ArcpClient session, CliOutput output, Deadline deadline) {
    JsonObject payload = new JsonObject();
    if (reason != null) {
      payload.put("reason", reason);
    }
    String id = session.send("job.cancel", jobId, payload);
    while (true) {
      JsonObject frame = session.next(deadline, "job.cancelled");
      if (ClientFrames.answers(frame, "job.cancelled", id)) {
        if (output.json()) {
          output.jsonLine(frame);
        } else {
          output.line("cancelled " + jobId);
        }
        return ExitCodes.SUCCESS;
      }
      if (id.equals(ClientFrames.refusedRequest(frame))) {
        throw refusal("job.cancel " + jobId, frame, output);
      }
    }
  }
}
