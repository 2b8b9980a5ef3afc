package dev.arcpgateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import picocli.CommandLine.Command;

/** {@code agents}: the agent inventory of {@code session.welcome} (§6.2, §7.5). */
@Command(name = "agents", mixinStandardHelpOptions = true, sortOptions = false,
    description = "List the agents the gateway offers: name, versions, and the version a bare name resolves to.",
    footer = {"%nExample:", "  arcp-gateway agents --output json | jq -r .name"})
final class AgentsCommand extends ClientCommand {

  private static final String ROW = "%-20s  %-24s  %s";

  @Override
  Duration defaultTimeout() {
    return Duration.ofSeconds(30);
  }

  @Override
  int run(ArcpClient session, CliOutput output, Deadline deadline) {
    JsonArray agents = session.welcome().getJsonObject("payload", new JsonObject())
        .getJsonObject("capabilities", new JsonObject()).getJsonArray("agents", new JsonArray());
    if (!output.json()) {
      output.line(String.format(ROW, "NAME", "VERSIONS", "DEFAULT").strip());
    }
    for (Object raw : agents) {
      // v1.0 runtimes list bare names; v1.1 ones {name, versions, default}
      JsonObject agent = raw instanceof JsonObject o ? o : new JsonObject().put("name", String.valueOf(raw));
      if (output.json()) {
        output.jsonLine(agent);
      } else {
        JsonArray versions = agent.getJsonArray("versions", new JsonArray());
        output.line(String.format(ROW, agent.getString("name"), String.join(",", versions.stream()
            .map(String::valueOf).toList()), agent.getString("default", "-")).strip());
      }
    }
    return ExitCodes.SUCCESS;
  }
}
