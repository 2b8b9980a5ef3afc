package dev.arcpgateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §11 for agent processes: the dispatch carries the job span's {@code traceparent}, and a {@code delegate} frame
 * that names the agent's own span (in the job's trace) makes the child job's span continue from it.
 */
@ExtendWith(VertxExtension.class)
class Section11_BridgedTraceTest {

  static InMemorySpanExporter spans;
  static OpenTelemetrySdk otel;
  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    spans = InMemorySpanExporter.create();
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    JsonObject bridge = new JsonObject().put("port", 0).put("tokens", new JsonArray().add(new JsonObject()
        .put("token", BridgeFixtures.AGENT_TOKEN).put("name", "examples").put("agents", new JsonArray().add("*"))));
    gateway = TestGateway.start(vertx, options -> options.setBridge(bridge), List.of(),
        builder -> builder.openTelemetry(otel));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    otel.close();
  }

  private static SpanData jobSpan(String jobId) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      for (SpanData span : spans.getFinishedSpanItems()) {
        if (jobId.equals(span.getAttributes().get(AttributeKey.stringKey("arcp.job_id")))
            && span.getName().startsWith("arcp.job ")) {
          return span;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("no span for " + jobId + " in " + spans.getFinishedSpanItems());
  }

  @Test
  void theDispatchCarriesTheJobSpanAndADelegationContinuesFromTheAgentsSpan() {
    try (BridgeSocket agent = BridgeSocket.announced(gateway.gateway().bridgePort(), BridgeFixtures.AGENT_TOKEN,
        "traced-process", "1.0.0", 0)) {
      WireClient client = gateway.session(TestGateway.ALICE);
      String jobId = BridgeFixtures.submit(client, "traced-process", null,
          new JsonObject().put("agent.delegate", new JsonArray().add("echo")));
      JsonObject dispatch = agent.nextInbox();
      String traceId = dispatch.getString("trace_id");
      String jobSpanId = dispatch.getString("traceparent").substring(36, 52);
      String agentSpanId = "0123456789abcdef";
      JsonObject answer = agent.request("arcp.job." + jobId, new JsonObject().put("op", "delegate")
          .put("job_token", dispatch.getString("job_token")).put("agent", "echo").put("input", new JsonObject())
          .put("lease_request", new JsonObject()).put("lease_constraints", new JsonObject())
          .put("traceparent", "00-" + traceId + "-" + agentSpanId + "-01"), "del-trace");
      String childId = answer.getJsonObject("body").getString("child_job_id");
      assertTrue(childId.startsWith("job_"), answer.encode());
      assertEquals("delegate_result", agent.nextInbox().getString("op"));
      agent.sendTo("arcp.job." + jobId, new JsonObject().put("op", "result").put("result", 1)
          .put("job_token", dispatch.getString("job_token")));
      client.untilTerminal(jobId);
      SpanData job = jobSpan(jobId);
      SpanData child = jobSpan(childId);
      assertEquals(job.getSpanId(), jobSpanId, "the dispatch's traceparent is the job span");
      assertEquals(traceId, child.getTraceId());
      assertEquals(agentSpanId, child.getParentSpanId(), "the child continues from the agent process's span");
    }
  }
}
