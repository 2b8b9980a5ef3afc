package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code jobs} and {@code agents} as processes: the principal's jobs, filters, pages, json lines. */
class CliJobsTest {

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
  void jobsListsThePrincipalsJobsWithStatusAgentAndParent() {
    String done = gateway.submitDetached("echo", "{\"n\": 1}");
    String running = gateway.submitDetached("gate", GateAgent.input("jobs-running").encode());
    String bobs = CliGateway.submitDetached(
        Map.of("ARCP_URL", gateway.gateway().url(), "ARCP_TOKEN", TestGateway.BOB), "echo", "{}");

    CliProcess jobs = CliProcess.run(gateway.alice(), "jobs");

    assertEquals(0, jobs.exitCode(), jobs::describe);
    List<String> lines = jobs.stdout().lines().toList();
    assertTrue(lines.get(0).matches("JOB_ID +AGENT +STATUS +CREATED +DURATION +PARENT"), jobs::describe);
    assertTrue(lines.stream().anyMatch(l -> l.matches(running + " +gate@1\\.0\\.0 +running +\\S+ +\\d+s +-")),
        jobs::describe);
    assertTrue(lines.stream().anyMatch(l -> l.startsWith(done + " ") && l.contains(" success ")), jobs::describe);
    assertTrue(lines.stream().noneMatch(l -> l.startsWith(bobs)), "bob's job is not alice's: " + jobs.describe());
    assertEquals("", jobs.stderr(), jobs::describe);

    CliProcess filtered = CliProcess.run(gateway.alice(), "jobs", "--status", "running", "--agent", "gate",
        "--output", "json");
    assertEquals(0, filtered.exitCode(), filtered::describe);
    List<JsonObject> entries = filtered.stdout().lines().map(JsonObject::new).toList();
    assertTrue(entries.stream().allMatch(e -> "running".equals(e.getString("status"))
        && e.getString("agent").startsWith("gate@")), filtered::describe);
    assertTrue(entries.stream().anyMatch(e -> running.equals(e.getString("job_id"))), filtered::describe);
    GateAgent.finish(gateway.vertx(), "jobs-running");
  }

  @Test
  void limitShowsOnePageAndAllFollowsTheCursors() {
    for (int i = 0; i < 3; i++) {
      gateway.submitDetached("echo", "{\"page\": " + i + "}");
    }
    CliProcess one = CliProcess.run(gateway.alice(), "jobs", "--limit", "1", "--output", "json");
    assertEquals(0, one.exitCode(), one::describe);
    assertEquals(1, one.stdout().lines().count(), one::describe);
    assertTrue(one.stderr().contains("more jobs: pass --all"), one::describe);

    CliProcess all = CliProcess.run(gateway.alice(), "jobs", "--limit", "1", "--all", "--output", "json");
    assertEquals(0, all.exitCode(), all::describe);
    List<String> ids = all.stdout().lines().map(l -> new JsonObject(l).getString("job_id")).toList();
    assertTrue(ids.size() >= 3, all::describe);
    assertEquals(ids.size(), ids.stream().distinct().count(), "each job once: " + all.describe());
  }

  @Test
  void agentsListsTheInventory() {
    CliProcess agents = CliProcess.run(gateway.alice(), "agents");
    assertEquals(0, agents.exitCode(), agents::describe);
    assertTrue(agents.stdout().lines().anyMatch(l -> l.matches("echo +1\\.0\\.0,2\\.0\\.0 +2\\.0\\.0")),
        agents::describe);

    CliProcess json = CliProcess.run(gateway.alice(), "agents", "--output", "json");
    assertEquals(0, json.exitCode(), json::describe);
    assertTrue(json.stdout().lines().map(JsonObject::new).anyMatch(a -> "gate".equals(a.getString("name"))),
        json::describe);
  }
}
