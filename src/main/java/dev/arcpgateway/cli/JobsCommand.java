package dev.arcpgateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jobs}: the jobs the principal may observe ({@code session.list_jobs}, §6.6), newest first. */
@Command(name = "jobs", mixinStandardHelpOptions = true, sortOptions = false,
    description = "List your jobs, newest first: id, agent@version, status, created, how long a live job has run "
        + "(ended jobs show -), parent.",
    footer = {"%nExamples:",
        "  arcp-gateway jobs --status running,pending",
        "  arcp-gateway jobs --agent report --all --output json | jq -r .job_id"})
final class JobsCommand extends ClientCommand {

  private static final Set<String> LIVE = Set.of("pending", "running");
  private static final List<String> STATUSES = List.of("pending", "running", "success", "error", "cancelled",
      "timed_out");
  private static final String ROW = "%-30s  %-18s  %-9s  %-24s  %-9s  %s";

  @Option(names = "--status", split = ",", paramLabel = "STATUS",
      description = "only these: pending, running, success, error, cancelled, timed_out (comma separated)")
  List<String> statuses = List.of();

  @Option(names = "--agent", paramLabel = "NAME", description = "only jobs of this agent")
  String agent;

  @Option(names = "--limit", paramLabel = "N",
      description = "at most N jobs (with --all: per page; default: the runtime's, 100 here)")
  Integer limit;

  @Option(names = "--all", description = "follow next_cursor through every page")
  boolean all;

  @Override
  Duration defaultTimeout() {
    return Duration.ofSeconds(30);
  }

  @Override
  void check() {
    if (limit != null && limit < 1) {
      throw CliFailure.usage("--limit must be at least 1");
    }
    for (String status : statuses) {
      if (!STATUSES.contains(status)) {
        throw CliFailure.usage("--status " + status + " is not one of " + String.join(", ", STATUSES));
      }
    }
  }

  @Override
  int run(ArcpClient session, CliOutput output, Deadline deadline) {
    if (!output.json()) {
      output.line(String.format(ROW, "JOB_ID", "AGENT", "STATUS", "CREATED", "DURATION", "PARENT").strip());
    }
    String cursor = null;
    do {
      JsonObject page = page(session, output, deadline, cursor);
      for (Object job : page.getJsonArray("jobs", new JsonArray())) {
        if (job instanceof JsonObject entry) {
          print(output, entry);
        }
      }
      cursor = page.getString("next_cursor");
    } while (all && cursor != null);
    if (cursor != null) {
      output.note("more jobs: pass --all to list every page");
    }
    return ExitCodes.SUCCESS;
  }

  private JsonObject page(ArcpClient session, CliOutput output, Deadline deadline, String cursor) {
    JsonObject filter = new JsonObject();
    if (!statuses.isEmpty()) {
      filter.put("status", new JsonArray(List.copyOf(statuses)));
    }
    if (agent != null) {
      filter.put("agent", agent);
    }
    JsonObject request = new JsonObject().put("filter", filter);
    if (limit != null) {
      request.put("limit", limit);
    }
    if (cursor != null) {
      request.put("cursor", cursor);
    }
    String id = session.send("session.list_jobs", null, request);
    while (true) {
      JsonObject frame = session.next(deadline, "session.jobs");
      if (ClientFrames.answers(frame, "session.jobs", id)) {
        return frame.getJsonObject("payload");
      }
      if (id.equals(ClientFrames.refusedRequest(frame))) {
        throw refusal("session.list_jobs", frame, output);
      }
    }
  }

  private static void print(CliOutput output, JsonObject job) {
    if (output.json()) {
      output.jsonLine(job);
      return;
    }
    String created = job.getString("created_at", job.getString("submitted_at", ""));
    String status = job.getString("status", "");
    String parent = job.getString("parent_job_id");
    output.line(String.format(ROW, job.getString("job_id"), job.getString("agent"), status, created,
        LIVE.contains(status) ? since(created) : "-", parent == null ? "-" : parent));
  }

  /** How long ago {@code created} was, as 42s, 3m07s or 2h05m. */
  static String since(String created) {
    try {
      long seconds = Math.max(0, Duration.between(Instant.parse(created), Instant.now()).getSeconds());
      if (seconds < 60) {
        return seconds + "s";
      }
      if (seconds < 3600) {
        return String.format("%dm%02ds", seconds / 60, seconds % 60);
      }
      return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    } catch (DateTimeParseException e) {
      return "?";
    }
  }
}
