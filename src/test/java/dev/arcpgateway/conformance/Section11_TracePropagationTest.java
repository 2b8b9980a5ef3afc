package dev.arcpgateway.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * §11: the job's W3C trace context travels from the client to the job's span, to its agent and to its
 * sub-agents; spans carry the recommended attributes.
 */
@ExtendWith(VertxExtension.class)
class Section11_TracePropagationTest {

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String CLIENT_SPAN = "00f067aa0ba902b7";
  static InMemorySpanExporter spans;
  static OpenTelemetrySdk otel;
  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    spans = InMemorySpanExporter.create();
    otel = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
    AgentRegistration traced = AgentRegistration.of("traced", "1.0.0",
        job -> Future.succeededFuture(new JsonObject().put("trace_id", job.traceId())));
    gateway = TestGateway.start(vertx, options -> { }, List.of(traced), builder -> builder.openTelemetry(otel));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    otel.close();
  }

  @BeforeEach
  void clear() {
    spans.reset();
  }

  private static SpanData jobSpan(String jobId) {
    return jobSpan(jobId, "arcp.job");
  }

  /** The finished span named {@code kind …} of job {@code jobId}, once it has ended. */
  private static SpanData jobSpan(String jobId, String kind) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (System.currentTimeMillis() < deadline) {
      for (SpanData span : spans.getFinishedSpanItems()) {
        if (jobId.equals(span.getAttributes().get(AttributeKey.stringKey("arcp.job_id")))
            && span.getName().startsWith(kind + " ")) {
          return span;
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("no span for " + jobId + " in " + spans.getFinishedSpanItems());
  }

  @Test
  void theClientsTraceparentIsTheJobSpansParent() {
    WireClient client = gateway.session(TestGateway.ALICE);
    JsonObject submit = Wire.submit(client.sessionId(), "traced", new JsonObject())
        .put("extensions", new JsonObject().put("x-vendor.opentelemetry.tracecontext",
            new JsonObject().put("traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-01")));
    client.send(submit);
    JsonObject accepted = client.expect("job.accepted");
    assertEquals(TRACE, accepted.getString("trace_id"), "the job runs in the client's trace");
    JsonObject result = client.expect("job.result");
    assertEquals(TRACE, result.getString("trace_id"));
    SpanData span = jobSpan(accepted.getString("job_id"));
    assertEquals(TRACE, span.getTraceId());
    assertEquals(CLIENT_SPAN, span.getParentSpanId());
    assertEquals("traced@1.0.0", span.getAttributes().get(AttributeKey.stringKey("arcp.agent")));
    assertEquals("success", span.getAttributes().get(AttributeKey.stringKey("arcp.final_status")));
  }

  @Test
  void aBareTraceIdStillPutsTheJobInThatTrace() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Wire.submit(client.sessionId(), "echo", new JsonObject()).put("trace_id", TRACE));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.expect("job.result");
    assertEquals(TRACE, jobSpan(jobId).getTraceId());
  }

  @Test
  void failuresAreRecordedWithTheirCode() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.submit("fail", new JsonObject().put("code", "PERMISSION_DENIED").put("message", "no"));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.expect("job.error");
    SpanData span = jobSpan(jobId);
    assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode());
    assertEquals("PERMISSION_DENIED", span.getAttributes().get(AttributeKey.stringKey("arcp.error.code")));
  }

  @Test
  void leaseExpiryAndBudgetAreRecordedOnTheSpan() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Wire.submit(client.sessionId(), "spender", new JsonObject().put("steps", 2).put("cost", 0.25))
        .put("payload", new JsonObject().put("agent", "spender").put("input", new JsonObject().put("steps", 2)
            .put("cost", 0.25)).put("lease_request", new JsonObject()
            .put("tool.call", new io.vertx.core.json.JsonArray().add("search"))
            .put("cost.budget", new io.vertx.core.json.JsonArray().add("USD:1.00")))
            .put("lease_constraints", new JsonObject().put("expires_in_s", 60))));
    JsonObject accepted = client.expect("job.accepted");
    String jobId = accepted.getString("job_id");
    client.untilTerminal(jobId);
    SpanData span = jobSpan(jobId);
    assertEquals(accepted.getJsonObject("payload").getJsonObject("lease_constraints").getString("expires_at"),
        span.getAttributes().get(AttributeKey.stringKey("arcp.lease.expires_at")));
    String remaining = span.getAttributes().get(AttributeKey.stringKey("arcp.budget.remaining"));
    assertTrue(remaining != null && remaining.startsWith("USD:"), "budget gauge on the span: " + remaining);
  }

  /** One trace: the client's submit → the job span → its Java agent's span → the delegated child job's span. */
  @Test
  void oneTraceRunsFromTheClientsSubmitThroughTheAgentToTheDelegatedChild() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Wire.submit(client.sessionId(), "delegator", new JsonObject())
        .put("extensions", new JsonObject().put("x-vendor.opentelemetry.tracecontext",
            new JsonObject().put("traceparent", "00-" + TRACE + "-" + CLIENT_SPAN + "-01")))
        .put("payload", new JsonObject().put("agent", "delegator").put("input", new JsonObject().put("agent", "echo")
            .put("input", new JsonObject())).put("lease_request", new JsonObject()
            .put("agent.delegate", new io.vertx.core.json.JsonArray().add("echo")))));
    String parentId = client.expect("job.accepted").getString("job_id");
    JsonObject childAccepted = client.nextOfType("job.accepted");
    assertEquals(TRACE, childAccepted.getString("trace_id"));
    String childId = childAccepted.getString("job_id");
    client.untilTerminal(parentId);
    SpanData job = jobSpan(parentId, "arcp.job");
    SpanData agent = jobSpan(parentId, "arcp.agent");
    SpanData child = jobSpan(childId, "arcp.job");
    SpanData childAgent = jobSpan(childId, "arcp.agent");
    for (SpanData span : List.of(job, agent, child, childAgent)) {
      assertEquals(TRACE, span.getTraceId(), span::toString);
    }
    assertEquals(CLIENT_SPAN, job.getParentSpanId(), "the job span continues the client's submit");
    assertEquals(job.getSpanId(), agent.getParentSpanId(), "the agent runs under the job span");
    assertEquals(agent.getSpanId(), child.getParentSpanId(), "the child job continues from the agent that delegated");
    assertEquals(child.getSpanId(), childAgent.getParentSpanId());
    assertEquals("delegator@1.0.0", agent.getAttributes().get(AttributeKey.stringKey("arcp.agent")));
    assertEquals(client.sessionId(), child.getAttributes().get(AttributeKey.stringKey("arcp.session_id")));
    assertEquals("success", child.getAttributes().get(AttributeKey.stringKey("arcp.final_status")));
    assertNotEquals(job.getSpanId(), child.getSpanId());
  }

  @Test
  void aWholeTraceparentAsTheEnvelopeTraceIdIsTheJobSpansParent() {
    WireClient client = gateway.session(TestGateway.ALICE);
    client.send(Wire.submit(client.sessionId(), "echo", new JsonObject())
        .put("trace_id", "00-" + TRACE + "-" + CLIENT_SPAN + "-01"));
    String jobId = client.expect("job.accepted").getString("job_id");
    client.expect("job.result");
    SpanData span = jobSpan(jobId);
    assertEquals(TRACE, span.getTraceId());
    assertEquals(CLIENT_SPAN, span.getParentSpanId());
  }
}
