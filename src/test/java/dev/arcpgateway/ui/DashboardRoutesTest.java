package dev.arcpgateway.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.Http;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard's HTTP side over real sockets: the page and its assets from the jar with cache and security
 * headers, its configuration, nothing else under {@code /ui/}; and the Origin allowlist letting the gateway's own
 * pages open ARCP sessions on a gateway reached by name, without letting any other page in; and the two listing
 * fields beyond §6.6 the job table shows.
 */
class DashboardRoutesTest {

  private static final String NAME = "gateway.test";

  private static Vertx vertx;
  private static TestGateway gateway;
  private static Http http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    // reached by name, as behind a DNS entry: that name must be an allowed Host
    gateway = TestGateway.start(vertx, options -> options.setPath("/ws/arcp")
        .setAllowedHosts(List.of("localhost", "127.0.0.1", NAME)));
    http = new Http(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    gateway.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void thePageIsServedRevalidatedAndKeptToItsOwnOrigin() {
    Http.Response page = http.get(gateway.port(), "/ui/");
    assertEquals(200, page.status());
    assertTrue(page.headers().get("content-type").startsWith("text/html"), page.headers().toString());
    assertTrue(page.body().contains("<script type=\"module\" src=\"js/main.js\"></script>"), page.body());
    assertEquals("no-cache", page.headers().get("cache-control"));
    assertTrue(page.headers().get("content-security-policy").contains("default-src 'self'"));
    assertEquals("nosniff", page.headers().get("x-content-type-options"));
    assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "nothing fetched elsewhere");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ui/app.css", "/ui/js/main.js", "/ui/js/arcp-session.js", "/ui/js/views/job.js"})
  void assetsComeFromTheJarAndMayBeCachedForAFewMinutes(String path) {
    Http.Response asset = http.get(gateway.port(), path);
    assertEquals(200, asset.status(), path);
    assertEquals("public, max-age=" + DashboardRoutes.ASSET_MAX_AGE_SECONDS, asset.headers().get("cache-control"));
    assertTrue(asset.headers().contains("last-modified"), "revalidation after that");
    assertTrue(!asset.body().contains("https://") && !asset.body().contains("http://"),
        path + " names no other origin");
  }

  @Test
  void theConfigurationNamesTheArcpPath() {
    Http.Response config = http.get(gateway.port(), "/ui/config.json");
    assertEquals(200, config.status());
    assertEquals(new JsonObject().put("arcp_path", "/ws/arcp"), new JsonObject(config.body()));
    assertEquals("no-cache", config.headers().get("cache-control"));
  }

  @Test
  void theBarePathRedirectsToThePage() {
    Http.Response bare = http.get(gateway.port(), "/ui");
    assertEquals(302, bare.status());
    assertEquals("/ui/", bare.headers().get("location"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ui/js/", "/ui/nope.js", "/ui/../pom.xml", "/ui/%2e%2e/%2e%2e/pom.xml", "/ui/.hidden"})
  void nothingElseIsServed(String path) {
    assertEquals(404, http.get(gateway.port(), path).status(), path);
  }

  private WebSocketConnectOptions upgrade(String host, String origin) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port()).setURI("/ws/arcp")
        .putHeader("Host", host).putHeader("Origin", origin);
  }

  @Test
  void thePageReachedByNameMayOpenASession() {
    String authority = NAME + ":" + gateway.port();
    assertEquals(101, http.upgradeStatus(upgrade(authority, "http://" + authority)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://evil.example:%d", "http://gateway.test:1", "https://gateway.test",
      "http://gateway.test", "http://gateway.test.evil.example:%d"})
  void anyOtherPageIsRefused(String origin) {
    assertEquals(403, http.upgradeStatus(upgrade(NAME + ":" + gateway.port(), origin.formatted(gateway.port()))));
  }

  @Test
  void listingsNameThePrincipalAndWhenAnEndedJobEnded() {
    WireClient client = WireClient.connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gateway.port()).setURI("/ws/arcp"));
    client.hello(TestGateway.BOB);
    client.submit("echo", new JsonObject().put("x", 1));
    String jobId = client.expect("job.accepted").getString("job_id");
    JsonObject result = client.expect("job.result");
    client.send(Continuity.listJobs(client.sessionId(), new JsonObject()));
    JsonObject entry = client.expect("session.jobs").getJsonObject("payload").getJsonArray("jobs").getJsonObject(0);
    assertEquals(jobId, entry.getString("job_id"));
    assertEquals("bob", entry.getString("principal"));
    assertEquals(result.getJsonObject("payload").getString("completed_at"), entry.getString("updated_at"));
    client.close();
  }

  @Test
  void aRebindingPageStillFailsOnItsHost() {
    // DNS rebinding: the attacker's name resolves to the gateway, so Origin and Host agree — on a name not allowed
    String authority = "evil.example:" + gateway.port();
    assertEquals(403, http.upgradeStatus(upgrade(authority, "http://" + authority)));
  }
}
