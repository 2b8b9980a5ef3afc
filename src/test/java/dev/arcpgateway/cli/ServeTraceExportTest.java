package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * §11 export: a gateway process started with {@code --otel-exporter otlp --otel-endpoint URL} sends its spans
 * as OTLP/HTTP protobuf to {@code URL/v1/traces} — here a Vert.x HTTP server the test runs on 127.0.0.1 — the
 * job span with its attributes in the client's trace, and Vert.x's own event-bus and HTTP-server spans; the standard
 * {@code OTEL_BSP_SCHEDULE_DELAY} variable is honoured (the spans come within the test's wait).
 */
class ServeTraceExportTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String HTTP_TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String TOKEN = "otlp-alice-token";
  private static final Pattern LISTENING = Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/arcp");

  private record Export(String path, String contentType, byte[] body) {
    boolean contains(byte[] bytes) {
      outer:
      for (int i = 0; i <= body.length - bytes.length; i++) {
        for (int j = 0; j < bytes.length; j++) {
          if (body[i + j] != bytes[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }

    boolean contains(String text) {
      return contains(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void spansReachAnOtlpHttpEndpoint() throws Exception {
    Vertx vertx = Vertx.vertx();
    LinkedBlockingQueue<Export> exports = new LinkedBlockingQueue<>();
    HttpServer collector = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      exports.add(new Export(request.path(), request.getHeader("Content-Type"), body.getBytes()));
      request.response().putHeader("Content-Type", "application/x-protobuf").end(Buffer.buffer());
    })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    try (CliProcess serve = CliProcess.start(Map.of("OTEL_BSP_SCHEDULE_DELAY", "100"), "serve", "--port", "0",
        "--token", "alice:" + TOKEN, "--otel-exporter", "otlp",
        "--otel-endpoint", "http://127.0.0.1:" + collector.actualPort())) {
      Matcher port = LISTENING.matcher(serve.awaitStdout(out -> LISTENING.matcher(out).find(), "the listener"));
      assertTrue(port.find());
      String jobId;
      try (WireClient client = WireClient.connect(vertx, Integer.parseInt(port.group(1)))) {
        client.hello(TOKEN);
        client.send(Wire.submit(client.sessionId(), "echo", new JsonObject())
            .put("extensions", new JsonObject().put("x-vendor.opentelemetry.tracecontext",
                new JsonObject().put("traceparent", "00-" + TRACE + "-00f067aa0ba902b7-01"))));
        jobId = client.expect("job.accepted").getString("job_id");
        client.untilTerminal(jobId);
      }
      // a plain HTTP request with its own trace: Vert.x's HTTP-server span continues it
      HttpClient http = vertx.createHttpClient(); // held until closed: a collected client closes its pool
      try {
        int status = http.request(HttpMethod.GET, Integer.parseInt(port.group(1)), "127.0.0.1", "/arcp")
            .compose(request -> request.putHeader("traceparent", "00-" + HTTP_TRACE + "-00f067aa0ba902b7-01").send())
            .await(10, TimeUnit.SECONDS).statusCode();
        assertEquals(426, status);
      } finally {
        http.close();
      }
      byte[] traceBytes = HexFormat.of().parseHex(TRACE);
      byte[] httpTraceBytes = HexFormat.of().parseHex(HTTP_TRACE);
      boolean jobSpan = false;
      boolean busSpan = false;
      boolean httpSpan = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!(jobSpan && busSpan && httpSpan) && System.nanoTime() < deadline) {
        Export export = exports.poll(1, TimeUnit.SECONDS);
        if (export == null) {
          continue;
        }
        assertEquals("/v1/traces", export.path());
        assertEquals("application/x-protobuf", export.contentType());
        assertTrue(export.contains("arcp-gateway"), "the service name is on the resource");
        jobSpan |= export.contains(jobId) && export.contains("arcp.job_id") && export.contains("arcp.agent")
            && export.contains("arcp.session_id") && export.contains(traceBytes);
        busSpan |= export.contains("messaging.destination.name") && export.contains(traceBytes);
        httpSpan |= export.contains("http.response.status_code") && export.contains(httpTraceBytes);
      }
      assertTrue(jobSpan, "the job span, in the client's trace, with its attributes, reached the collector");
      assertTrue(busSpan, "Vert.x's event-bus span of the dispatch joined the job's trace");
      assertTrue(httpSpan, "Vert.x's HTTP-server span continued the request's traceparent");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
