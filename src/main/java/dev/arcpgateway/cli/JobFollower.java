package dev.arcpgateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Shows the frames of one followed job the way {@code submit} and {@code watch} print them: events on stderr, a
 * chunked result (§8.4) written to stdout as it streams, decoded from base64 where it is, with nothing appended,
 * an inline result printed as JSON, and the events of delegated child jobs labelled with their job id. With
 * {@code --output json} every job frame is one line on stdout instead.
 */
final class JobFollower {

  private final CliOutput output;
  private final String jobId;
  private long resultBytes;

  JobFollower(CliOutput output, String jobId) {
    this.output = output;
    this.jobId = jobId;
  }

  /**
   * Shows {@code frame}; returns the exit code once it ended the followed job (0 result, 1 error), else null.
   * Refusals of requests (a {@code job.error} without event_seq) are the command's to handle.
   */
  Integer show(JsonObject frame) {
    String type = ClientFrames.type(frame);
    if (!type.startsWith("job.") || "job.error".equals(type) && frame.getValue("event_seq") == null) {
      return null;
    }
    String frameJob = frame.getString("job_id");
    boolean own = jobId.equals(frameJob);
    String label = own ? "" : "[" + frameJob + "] ";
    JsonObject payload = frame.getJsonObject("payload", new JsonObject());
    if (output.json()) {
      output.jsonLine(frame);
    }
    switch (type) {
      case "job.event" -> event(own, label, payload);
      case "job.accepted" -> {
        if (!own) {
          text(label + "accepted (" + payload.getString("agent") + ")"
              + (payload.getString("parent_job_id") != null ? ", child of " + payload.getString("parent_job_id") : ""));
        }
      }
      case "job.result" -> {
        if (own) {
          return result(payload);
        }
        text(label + "result (" + payload.getString("final_status", "success") + ")");
      }
      case "job.error" -> {
        String line = "job.error " + ClientFrames.describeError(frame);
        if (own) {
          output.note(line); // the one stderr line of exit code 1, in json mode too
          return ExitCodes.JOB_ERROR;
        }
        text(label + line);
      }
      case "job.cancelled" -> text(label + "cancel acknowledged");
      default -> {
        // job.subscribed and other answers are the command's
      }
    }
    return null;
  }

  private void event(boolean own, String label, JsonObject payload) {
    String kind = payload.getString("kind", "");
    JsonObject body = payload.getJsonObject("body", new JsonObject());
    if ("result_chunk".equals(kind)) {
      byte[] bytes = decode(body);
      if (own && !output.json()) {
        output.bytes(bytes);
        resultBytes += bytes.length;
      } else {
        text(label + "[result_chunk] " + bytes.length + " bytes of " + body.getString("result_id"));
      }
      return;
    }
    if (output.json()) {
      return;
    }
    switch (kind) {
      case "progress" -> output.progress(label, body);
      case "log" -> output.note(label + "[" + body.getString("level", "info") + "] " + body.getString("message"));
      case "status" -> output.note(label + "[status] " + body.getString("phase")
          + (body.getString("message") != null ? " " + body.getString("message") : ""));
      case "thought" -> output.note(label + "[thought] " + body.getString("text"));
      default -> output.note(label + "[" + kind + "] " + body.encode());
    }
  }

  private static byte[] decode(JsonObject chunk) {
    String data = chunk.getString("data", "");
    return "base64".equals(chunk.getString("encoding")) ? Base64.getDecoder().decode(data)
        : data.getBytes(StandardCharsets.UTF_8);
  }

  private int result(JsonObject payload) {
    if (output.json()) {
      return ExitCodes.SUCCESS;
    }
    if (payload.containsKey("result_id")) {
      output.note("result " + payload.getString("result_id") + ": " + resultBytes + " bytes"
          + (payload.getString("summary") != null ? " (" + payload.getString("summary") + ")" : ""));
    } else {
      Object result = payload.getValue("result");
      output.line(result instanceof JsonObject o ? o.encodePrettily()
          : result instanceof JsonArray a ? a.encodePrettily() : String.valueOf(result));
    }
    return ExitCodes.SUCCESS;
  }

  private void text(String line) {
    if (!output.json()) {
      output.note(line);
    }
  }
}
