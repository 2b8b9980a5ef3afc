package dev.arcpgateway.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code submit}: submits one job and follows it to its end: events on stderr, the result on stdout. Ctrl-C
 * cancels the job (unless {@code --detach}, which returns as soon as the job is accepted).
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Submit one job and follow it: events on stderr, the result on stdout (a chunked result byte for "
        + "byte). Ctrl-C cancels the job and exits 130.",
    footer = {"%nExamples:",
        "  export ARCP_TOKEN=s3cret",
        "  arcp-gateway submit --agent echo --input '{\"hello\": \"world\"}'",
        "  arcp-gateway submit --agent report --input '{\"bytes\": 100000}' > report.txt",
        "  arcp-gateway submit --agent slow --input '{\"seconds\": 60}' --detach   # prints the job id"})
final class SubmitCommand extends ClientCommand {

  private static final Duration CANCEL_GRACE = Duration.ofSeconds(3);

  @Option(names = "--agent", required = true, paramLabel = "NAME[@VERSION]", description = "the agent to run")
  String agent;

  @Option(names = "--input", defaultValue = "{}", paramLabel = "JSON", description = "job input (default: {})")
  String input;

  @Option(names = "--lease", paramLabel = "JSON", description = "lease_request, e.g. '{\"fs.read\": [\"/ws/**\"]}'")
  String lease;

  @Option(names = "--lease-constraints", paramLabel = "JSON",
      description = "lease_constraints, e.g. '{\"expires_in_s\": 60}'")
  String leaseConstraints;

  @Option(names = "--idempotency-key", paramLabel = "KEY",
      description = "resubmitting with the same key and parameters returns the same job (ARCP 7.2)")
  String idempotencyKey;

  @Option(names = "--max-runtime-sec", paramLabel = "SECONDS", description = "the runtime ends the job after this")
  Long maxRuntimeSec;

  @Option(names = "--detach", description = "print the job id once accepted and exit 0; the job keeps running")
  boolean detach;

  @Option(names = "--ext", paramLabel = "x-KEY=VALUE",
      description = "vendor extension on the submit payload (repeatable); VALUE is JSON, else a string")
  List<String> extensions = List.of();

  private JsonObject submit;

  @Override
  Duration defaultTimeout() {
    return Duration.ZERO;
  }

  @Override
  void check() {
    try {
      submit = new JsonObject().put("agent", agent).put("input", Json.decodeValue(input));
      if (lease != null) {
        submit.put("lease_request", new JsonObject(lease));
      }
      if (leaseConstraints != null) {
        submit.put("lease_constraints", new JsonObject(leaseConstraints));
      }
    } catch (DecodeException | ClassCastException e) {
      throw CliFailure.usage("--input, --lease and --lease-constraints take JSON: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (idempotencyKey != null) {
      submit.put("idempotency_key", idempotencyKey);
    }
    if (maxRuntimeSec != null) {
      if (maxRuntimeSec <= 0) {
        throw CliFailure.usage("--max-runtime-sec must be positive");
      }
      submit.put("max_runtime_sec", maxRuntimeSec);
    }
    for (String extension : extensions) {
      int equals = extension.indexOf('=');
      String key = equals < 0 ? extension : extension.substring(0, equals);
      if (equals < 0 || !key.startsWith("x-") || key.length() < 3) {
        throw CliFailure.usage("--ext takes x-KEY=VALUE, got " + extension);
      }
      submit.put(key, jsonOrString(extension.substring(equals + 1)));
    }
  }

  private static Object jsonOrString(String value) {
    try {
      return Json.decodeValue(value);
    } catch (DecodeException e) {
      return value;
    }
  }

  @Override
  int run(ArcpClient session, CliOutput output, Deadline deadline) {
    String submitId = session.send("job.submit", null, submit);
    String jobId = null;
    JobFollower follower = null;
    try {
      while (true) {
        JsonObject frame = session.next(deadline,
            jobId == null ? "job.accepted" : "the end of job " + jobId + ", which keeps running");
        if (jobId == null) {
          if (ClientFrames.answers(frame, "job.accepted", submitId)) {
            jobId = frame.getString("job_id");
            follower = new JobFollower(output, jobId);
            if (detach) {
              printAccepted(output, frame, true);
              return ExitCodes.SUCCESS;
            }
            printAccepted(output, frame, false);
          } else if (submitId.equals(ClientFrames.refusedRequest(frame))) {
            throw refusal("job.submit", frame, output);
          }
          continue;
        }
        Integer exit = follower.show(frame);
        if (exit != null) {
          return exit;
        }
      }
    } catch (ArcpClient.Interrupted e) {
      if (detach) { // --detach never cancels: the job was not accepted yet, and may still be
        throw interrupted("job.submit was sent; the job may have been accepted and keep running");
      }
      throw cancelOnInterrupt(session, output, submitId, jobId, follower);
    }
  }

  private static void printAccepted(CliOutput output, JsonObject frame, boolean detached) {
    if (output.json()) {
      output.jsonLine(frame);
    } else if (detached) {
      output.line(frame.getString("job_id"));
    } else {
      output.note("accepted " + frame.getString("job_id") + " ("
          + frame.getJsonObject("payload").getString("agent") + ")");
    }
  }

  /** Ctrl-C: cancels the job (once it is accepted) and waits briefly for job.cancelled; always exit 130. */
  private CliFailure cancelOnInterrupt(ArcpClient session, CliOutput output, String submitId, String jobId,
                                       JobFollower follower) {
    Deadline grace = Deadline.after(CANCEL_GRACE);
    String cancelId = jobId == null ? null : cancel(session, jobId);
    try {
      while (true) {
        JsonObject frame = session.next(grace, "job.cancelled");
        if (cancelId == null) {
          if (ClientFrames.answers(frame, "job.accepted", submitId)) {
            jobId = frame.getString("job_id");
            follower = new JobFollower(output, jobId);
            cancelId = cancel(session, jobId);
          } else if (submitId.equals(ClientFrames.refusedRequest(frame))) {
            return interrupted("the submission was refused anyway: " + ClientFrames.describeError(frame));
          }
          continue;
        }
        if (ClientFrames.answers(frame, "job.cancelled", cancelId)) {
          if (output.json()) {
            output.jsonLine(frame);
          }
          return interrupted("cancelled job " + jobId);
        }
        if (cancelId.equals(ClientFrames.refusedRequest(frame))) {
          return interrupted("job " + jobId + " was not cancelled: " + ClientFrames.describeError(frame));
        }
        if (follower.show(frame) != null) {
          return interrupted("job " + jobId + " ended before the cancel reached it");
        }
      }
    } catch (ArcpClient.Interrupted | CliFailure e) {
      return interrupted(jobId == null ? "the job may have been accepted and still run"
          : "no job.cancelled within " + Deadline.describe(CANCEL_GRACE) + "; job " + jobId + " may still run");
    }
  }

  private static String cancel(ArcpClient session, String jobId) {
    return session.send("job.cancel", jobId, new JsonObject().put("reason", "interrupted (Ctrl-C)"));
  }

  private static CliFailure interrupted(String what) {
    return new CliFailure(ExitCodes.INTERRUPTED, "interrupted: " + what);
  }
}
