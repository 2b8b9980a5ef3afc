package dev.arcpgateway.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.cli.CliProcess;
import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard ({@code /ui/}) in a real headless Chromium against a real gateway: sign-in, the job list with a job
 * a CLI process submitted, a live job's events and progress, a streamed result reassembled and downloaded,
 * cancel, a refused token, a dropped connection resumed without duplicates or gaps, an observer principal, and
 * each view photographed to {@code target/ui-artifacts/} at desktop and phone width, light and dark.
 */
class DashboardBrowserTest {

  private static final String OBSERVER = "tok-dashboard";
  /** Only the paging test submits as carol, so it knows how many jobs she has. */
  private static final String CAROL = "tok-carol";
  private static final String AGENT_TOKEN = "tok-bridged-agents";

  private static Vertx vertx;
  private static TestGateway gateway;
  private static HeadlessBrowser browser;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    gateway = TestGateway.start(vertx, options -> options.addToken("dashboard", OBSERVER).addToken("carol", CAROL)
        .setBridge(new JsonObject().put("port", 0).put("tokens", new JsonArray().add(new JsonObject()
            .put("token", AGENT_TOKEN).put("name", "browser-test").put("agents", new JsonArray().add("bridged-echo")))))
        .setObservers(new JsonObject().put("dashboard", new JsonArray().add("*"))),
        List.of(GateAgent.registration()));
    browser = HeadlessBrowser.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void desktop() {
    browser.viewport(1280, 900);
    browser.colorScheme("light");
  }

  private String page() {
    return "http://127.0.0.1:" + gateway.port() + "/ui/";
  }

  /** Opens the dashboard, signed out (with the Sign out button when a session is kept in the tab). */
  private void signedOut() {
    browser.open(page());
    browser.waitFor("document.querySelector('#login-form') || !document.querySelector('#nav').hidden",
        "the sign-in form or a kept session");
    if (Boolean.FALSE.equals(browser.evaluate("!!document.querySelector('#login-form')"))) {
      browser.click("#sign-out");
    }
    browser.waitFor("document.querySelector('#login-form')", "the sign-in form");
  }

  /** Opens the dashboard signed out, then signs in with {@code token}. */
  private void signIn(String token) {
    signedOut();
    browser.fill("#token", token);
    browser.press("Enter");
    browser.waitFor("!document.querySelector('#nav').hidden && document.querySelector('table.jobs')", "the job list");
  }

  private Map<String, String> cli(String token) {
    return Map.of("ARCP_URL", gateway.url(), "ARCP_TOKEN", token);
  }

  /** {@code submit --detach} from a CLI process; returns the job id it printed. */
  private String submitFromCli(String token, String agent, String input, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("submit", "--agent", agent, "--input", input, "--detach"));
    args.addAll(List.of(more));
    CliProcess submit = CliProcess.run(cli(token), args.toArray(String[]::new));
    assertEquals(0, submit.exitCode(), submit::describe);
    String jobId = submit.stdout().strip();
    assertTrue(jobId.matches("job_\\w+"), submit::describe);
    return jobId;
  }

  private void openJob(String jobId) {
    browser.evaluate("location.hash = '#/job/" + jobId + "'");
    browser.waitFor("document.querySelector('#job-status')", "the view of job " + jobId);
  }

  private void waitForStatus(String status) {
    browser.waitFor("document.querySelector('#main').dataset.status === '" + status + "'", "status " + status);
  }

  @Test
  void signInThenAJobSubmittedFromTheCliAppearsInTheList() {
    signIn(TestGateway.ALICE);
    browser.screenshot("jobs-empty-or-earlier");
    String jobId = submitFromCli(TestGateway.ALICE, "echo", "{\"hello\":\"dashboard\"}");
    browser.waitFor("document.querySelector('tr[data-job=\"" + jobId + "\"][data-status=\"success\"]')",
        "the CLI's job in the list, ended");
    String row = browser.text("tr[data-job=\"" + jobId + "\"]");
    assertTrue(row.contains("echo@") && row.contains("alice"), row);
    browser.screenshot("jobs");
    browser.colorScheme("dark");
    browser.screenshot("jobs-dark");
    browser.viewport(390, 844);
    browser.screenshot("jobs-phone");
  }

  @Test
  void filtersByStatusAndAgentAndPagesWithMore() {
    // 28 jobs from another client of the gateway: a WireClient session is quicker than 28 CLI processes
    WireClient carol = gateway.session(CAROL);
    for (int i = 0; i < 27; i++) {
      String submitted = carol.submit("echo", new JsonObject().put("n", i));
      carol.untilTerminal(carol.nextMatching(frame -> "job.accepted".equals(frame.getString("type"))
          && submitted.equals(frame.getJsonObject("payload").getString("request_id")), "accepted").getString("job_id"));
    }
    String failed = carol.expectAccepted(carol.submit("fail", new JsonObject().put("code", "INVALID_REQUEST")))
        .getString("job_id");
    signIn(CAROL);
    browser.waitFor("document.querySelectorAll('table.jobs tbody tr').length === 25", "a first page of 25");
    browser.click("text=More");
    browser.waitFor("document.querySelectorAll('table.jobs tbody tr').length === 28", "the second page");
    browser.check("input[name=status][value=error]");
    browser.select("#filter-agent", "fail");
    browser.click("form.filters button[type=submit]");
    browser.waitFor("document.querySelectorAll('table.jobs tbody tr').length === 1", "only the failed job");
    assertEquals(List.of(failed), browser.attributes("table.jobs tbody tr", "data-job"));
  }

  @Test
  void aLiveJobsEventsArriveAndItsProgressBarMoves() {
    String jobId = submitFromCli(TestGateway.ALICE, "slow", "{\"seconds\":3}");
    signIn(TestGateway.ALICE);
    openJob(jobId);
    browser.waitFor("Number(document.querySelector('#job-progress').value) > 0", "progress");
    long first = Long.parseLong(browser.evaluate("String(document.querySelector('#job-progress').value)").toString());
    browser.screenshot("job-running");
    browser.waitFor("Number(document.querySelector('#job-progress').value) > " + (first + 300), "the bar moving on");
    waitForStatus("success");
    assertTrue(browser.text("#job-result").contains("\"slept\": 3"), browser.text("#job-outcome"));
  }

  @Test
  void aChunkedResultIsAssembledAndDownloads() throws Exception {
    signIn(TestGateway.ALICE);
    browser.evaluate("location.hash = '#/submit'");
    browser.waitFor("document.querySelector('#submit-form')", "the submit form");
    browser.select("#submit-agent", "report");
    browser.fill("#submit-input", "{\"bytes\": 100000, \"chunk\": 4096}");
    browser.screenshot("submit");
    browser.click("#submit-form button[type=submit]");
    waitForStatus("success");
    assertEquals("100000", browser.text("#job-result-size"));
    assertTrue(Integer.parseInt(browser.text("#job-result-chunks")) >= 25, "chunks of 4096 bytes at most");
    byte[] expected = report(100_000);
    assertTrue(browser.text("#job-result").startsWith(new String(expected, 0, 1000, StandardCharsets.US_ASCII)),
        "the result's text");
    byte[] downloaded = Files.readAllBytes(browser.download("#job-download", "report.result"));
    assertArrayEquals(expected, downloaded);
    browser.screenshot("job-result");
  }

  /** What the demo agent {@code report} streams: {@code 0123456789abcdef} repeated, cut to {@code size}. */
  private static byte[] report(int size) {
    String pattern = "0123456789abcdef";
    StringBuilder text = new StringBuilder(size + pattern.length());
    while (text.length() < size) {
      text.append(pattern);
    }
    return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void cancelFromThePageEndsASlowJob() {
    String jobId = submitFromCli(TestGateway.ALICE, "slow", "{\"seconds\":60}");
    signIn(TestGateway.ALICE);
    openJob(jobId);
    waitForStatus("running");
    browser.click("#job-cancel");
    waitForStatus("cancelled");
    assertTrue(browser.text("#job-error").contains("CANCELLED"), browser.text("#job-outcome"));
    browser.screenshot("job-cancelled");
    CliProcess jobs = CliProcess.run(cli(TestGateway.ALICE), "jobs", "--status", "cancelled", "--output", "json");
    assertTrue(jobs.stdout().contains(jobId), jobs::describe);
  }

  @Test
  void aRefusedTokenShowsAClearMessage() {
    signedOut();
    browser.fill("#token", "not-a-token");
    browser.click("#login-form button[type=submit]");
    browser.waitFor("document.querySelector('#login-message').textContent.length > 0", "a refusal");
    String message = browser.text("#login-message");
    assertTrue(message.contains("refused this token") && message.contains("UNAUTHENTICATED"), message);
    assertEquals(null, browser.evaluate("sessionStorage.getItem('arcp-dashboard-token')"));
    browser.screenshot("login-refused");
  }

  @Test
  void aDroppedConnectionResumesWithoutDuplicatesOrGaps() {
    String key = "drop-" + System.nanoTime();
    String jobId = submitFromCli(TestGateway.ALICE, GateAgent.NAME, GateAgent.input(key).encode());
    signIn(TestGateway.ALICE);
    openJob(jobId);
    GateAgent.emit(vertx, key, 3);
    browser.waitFor("document.querySelectorAll('#job-events .event-log').length === 3", "the first three steps");
    browser.evaluate("arcpDashboard.session.dropConnection(1500)");
    browser.waitFor("!document.querySelector('#banner').hidden", "the reconnecting banner");
    assertTrue(browser.text("#banner").toLowerCase().contains("reconnecting"), browser.text("#banner"));
    browser.screenshot("job-reconnecting");
    GateAgent.emit(vertx, key, 3); // while the page is away: these come with the resume
    browser.waitFor("document.querySelector('#banner').hidden", "the banner gone once resumed");
    GateAgent.emit(vertx, key, 3);
    GateAgent.finish(vertx, key);
    waitForStatus("success");
    List<String> steps = browser.texts("#job-events .event-log span:last-child");
    assertEquals(IntStream.range(0, 9).mapToObj(i -> "step " + i).toList(), steps);
    List<Long> seqs = browser.attributes("#job-events .event", "data-seq").stream().map(Long::valueOf).toList();
    assertEquals(seqs.stream().distinct().sorted().toList(), seqs, "every event once, in order: " + seqs);
  }

  @Test
  void anObserverSeesEveryonesJobsWithTheirPrincipal() {
    String bobs = submitFromCli(TestGateway.BOB, "echo", "{\"who\":\"bob\"}");
    signIn(OBSERVER);
    browser.waitFor("document.querySelector('tr[data-job=\"" + bobs + "\"]')", "bob's job in the observer's list");
    assertTrue(browser.text("tr[data-job=\"" + bobs + "\"]").contains("bob"));
    signIn(TestGateway.ALICE);
    browser.waitFor("document.querySelector('main p.note').textContent !== ''", "alice's list, loaded");
    assertEquals(List.of(), browser.attributes("tr[data-job=\"" + bobs + "\"]", "data-job"),
        "alice must not see bob's job");
  }

  @Test
  void leaseBudgetErrorsAndDelegationAreShown() {
    signIn(TestGateway.ALICE);
    browser.evaluate("location.hash = '#/submit'");
    browser.waitFor("document.querySelector('#submit-form')", "the submit form");
    browser.select("#submit-agent", "spender");
    browser.fill("#submit-input", "{\"steps\": 2, \"cost\": 1.5}");
    browser.fill("#submit-lease", "{\"cost.budget\": [\"USD:5\"], \"tool.call\": [\"search\"]}");
    browser.fill("#submit-constraints", "{\"expires_in_s\": 600}");
    browser.click("#submit-form button[type=submit]");
    waitForStatus("success");
    browser.waitFor("document.querySelector('#budget-USD') && document.querySelector('#budget-USD').value === 2",
        "2 of 5 USD left");
    assertTrue(browser.text("#job-lease").contains("tool.call"), browser.text("#job-lease"));
    assertTrue(browser.text("#job-lease").contains("expires_at"), browser.text("#job-lease"));
    assertTrue(browser.text("#job-events").contains("→ {\"hits\":3}"), "tool calls paired with their results");
    browser.screenshot("job-budget");

    String failed = submitFromCli(TestGateway.ALICE, "fail", "{\"code\":\"RESOURCE_EXHAUSTED\",\"message\":\"no more\"}");
    openJob(failed);
    waitForStatus("error");
    String error = browser.text("#job-error");
    assertTrue(error.contains("RESOURCE_EXHAUSTED") && error.contains("no more") && error.contains("Retryable"), error);
    browser.screenshot("job-error");

    String parent = submitFromCli(TestGateway.ALICE, "delegator", new JsonObject().put("agent", "echo")
        .put("input", new JsonObject().put("x", 1)).put("lease_request", new JsonObject()).encode(),
        "--lease", "{\"agent.delegate\": [\"echo\"]}");
    openJob(parent);
    waitForStatus("success");
    browser.waitFor("document.querySelector('#job-events .event-delegate a')", "the child job's link");
    browser.click("#job-events .event-delegate a");
    browser.waitFor("location.hash.startsWith('#/job/') && !location.hash.endsWith('" + parent + "')"
        + " && document.querySelector('#main').dataset.status === 'success'", "the child's view");
    browser.waitFor("[...document.querySelectorAll('dd a')].some(a => a.textContent === '" + parent + "')",
        "the link back to the parent");
  }

  @Test
  void theAgentsViewListsTheInventoryAndTheKeyboardReachesEveryView() {
    signIn(TestGateway.ALICE);
    // after sign-in the focus is on the view; the navigation is just before it
    for (int i = 0; i < 4 && !"Agents".equals(browser.evaluate("document.activeElement.textContent")); i++) {
      browser.press("Shift+Tab");
    }
    assertEquals("Agents", browser.evaluate("document.activeElement.textContent"), "the keyboard reaches Agents");
    browser.press("Enter");
    browser.waitFor("document.querySelector('#agents tr[data-agent=\"slow\"][data-connection=\"java\"]')",
        "the slow agent, in the gateway");
    String row = browser.text("#agents tr[data-agent=\"gate\"]");
    assertTrue(row.contains("1.0.0") && row.contains("Java"), row);
    try (BridgeSocket bridged = BridgeSocket.announced(gateway.gateway().bridgePort(), AGENT_TOKEN, "bridged-echo",
        "3.1.0", 1)) {
      browser.waitFor("document.querySelector('#agents tr[data-agent=\"bridged-echo\"][data-connection=\"bridged\"]')",
          "the bridged agent appearing while the view is open");
      String bridgedRow = browser.text("#agents tr[data-agent=\"bridged-echo\"]");
      assertTrue(bridgedRow.contains("3.1.0") && bridgedRow.contains("1 process"), bridgedRow);
      browser.screenshot("agents");
    }
    browser.waitFor("!document.querySelector('#agents tr[data-agent=\"bridged-echo\"]')",
        "the bridged agent gone with its process");
    browser.viewport(390, 844);
    browser.screenshot("agents-phone");
  }
}
