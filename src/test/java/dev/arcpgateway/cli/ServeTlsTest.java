package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.SelfSignedTls;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS: {@code serve --tls-cert FILE --tls-key FILE} serves ARCP over {@code wss://} and HTTP over
 * {@code https://}, {@code --bridge-tls} serves agent processes TLS with the same certificate; a client that
 * trusts the certificate connects, and a file that cannot be used is one line and exit 2.
 */
class ServeTlsTest {

  private static final String TOKEN = "tls-alice-token";
  private static final Pattern LISTENING = Pattern.compile("listening on wss://127\\.0\\.0\\.1:(\\d+)/arcp");
  private static final Pattern BRIDGE = Pattern.compile("Agent bridge listening on tls://127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  static Path dir;
  static SelfSignedTls tls;
  static CliProcess serve;
  static int port;
  static int bridgePort;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    tls = SelfSignedTls.create(dir);
    serve = CliProcess.start(Map.of(), "serve", "--port", "0", "--token", "alice:" + TOKEN,
        "--tls-cert", tls.certFile().toString(), "--tls-key", tls.keyFile().toString(),
        "--bridge-port", "0", "--agent-token", "tls-agent-token:*", "--bridge-tls");
    port = group(LISTENING, serve.awaitStdout(out -> LISTENING.matcher(out).find(), "the wss:// listener"));
    bridgePort = group(BRIDGE, serve.awaitStdout(out -> BRIDGE.matcher(out).find(), "the TLS bridge"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (serve != null) {
      serve.close();
    }
  }

  private static int group(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertTrue(matcher.find(), text);
    return Integer.parseInt(matcher.group(1));
  }

  private static ClientSSLOptions trusting() {
    return new ClientSSLOptions().setTrustOptions(new PemTrustOptions().addCertPath(tls.certFile().toString()));
  }

  @Test
  void aTrustingClientRunsAJobOverWss() {
    try (WireClient client = WireClient.connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(port).setURI("/arcp").setSsl(true).setSslOptions(trusting()))) {
      client.hello(TOKEN);
      client.submit("echo", new JsonObject().put("over", "tls"));
      String jobId = client.expect("job.accepted").getString("job_id");
      java.util.List<JsonObject> frames = client.untilTerminal(jobId);
      JsonObject last = frames.get(frames.size() - 1);
      assertEquals("job.result", last.getString("type"), last::encode);
      assertEquals("tls", last.getJsonObject("payload").getJsonObject("result").getJsonObject("input").getString("over"), last::encode);
    }
  }

  @Test
  void plainWebSocketIsNotServedOnTheTlsPort() {
    assertThrows(IllegalStateException.class, () -> WireClient.connect(vertx, port));
  }

  @Test
  void httpsAnswersOnTheSamePort() throws Exception {
    // held until closed: a Vert.x 5 client that is garbage collected closes its pool, even mid-request
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.certFile().toString())));
    try {
      HttpClientResponse response = client.request(HttpMethod.GET, port, "127.0.0.1", "/arcp")
          .compose(request -> request.send())
          .await(10, TimeUnit.SECONDS);
      assertTrue(response.request().connection().isSsl());
      assertEquals(426, response.statusCode(), "the ARCP path answers a plain GET with 426 Upgrade Required");
    } finally {
      client.close();
    }
  }

  @Test
  void theBridgeSpeaksTlsWithTheSameCertificate() throws Exception {
    NetClient client = vertx.createNetClient(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm(
        "HTTPS").setTrustOptions(new PemTrustOptions().addCertPath(tls.certFile().toString())));
    NetSocket socket = client.connect(bridgePort, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try {
      assertTrue(socket.isSsl());
      assertEquals("CN=localhost", ((java.security.cert.X509Certificate) socket.peerCertificates().get(0))
          .getSubjectX500Principal().getName());
    } finally {
      socket.close();
      client.close();
    }
  }

  @Test
  void aCertificateOrKeyThatCannotBeUsedIsOneLine() throws IOException {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    ServeConfigurationTest.assertRefused(CliProcess.run(Map.of(), "serve", "--tls-cert", garbage.toString(),
        "--tls-key", tls.keyFile().toString()), "tls.cert_file " + garbage + " is not a PEM certificate");
    Path missing = dir.resolve("missing-key.pem");
    ServeConfigurationTest.assertRefused(CliProcess.run(Map.of(), "serve", "--tls-cert", tls.certFile().toString(),
        "--tls-key", missing.toString()), "tls.key_file " + missing + " cannot be read: no such file");
    ServeConfigurationTest.assertRefused(CliProcess.run(Map.of(), "serve", "--tls-cert",
        tls.certFile().toString()), "tls.cert_file and tls.key_file go together");
  }
}
