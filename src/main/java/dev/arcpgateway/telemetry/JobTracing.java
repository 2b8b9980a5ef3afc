package dev.arcpgateway.telemetry;

import dev.arcpgateway.protocol.Ids;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * One OpenTelemetry span per job (§11), in the job's W3C trace: the client's {@code traceparent} (from the
 * {@code x-vendor.opentelemetry.tracecontext} extension the TypeScript and Python SDKs send) is its parent; a bare
 * {@code trace_id} becomes a remote parent in that trace. The span carries the recommended attributes
 * ({@code arcp.lease.expires_at}, {@code arcp.budget.remaining}) and is what agents and sub-agents continue from:
 * its context is the {@code traceparent} handed to them. With no OpenTelemetry SDK configured everything here is a
 * no-op and the trace id still travels.
 */
public final class JobTracing {

  /** The extension key under which SDKs carry W3C trace context. */
  public static final String CARRIER_KEY = "x-vendor.opentelemetry.tracecontext";

  static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("arcp.job_id");
  static final AttributeKey<String> AGENT = AttributeKey.stringKey("arcp.agent");
  static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("arcp.session_id");
  static final AttributeKey<String> TRACE_ID = AttributeKey.stringKey("arcp.trace_id");
  static final AttributeKey<String> EXPIRES_AT = AttributeKey.stringKey("arcp.lease.expires_at");
  static final AttributeKey<String> BUDGET_REMAINING = AttributeKey.stringKey("arcp.budget.remaining");
  static final AttributeKey<String> FINAL_STATUS = AttributeKey.stringKey("arcp.final_status");
  static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("arcp.error.code");

  private final Tracer tracer;

  public JobTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("dev.arcpgateway");
  }

  /** The {@code traceparent} a client sent in an extension carrier, or null. */
  public static String traceparent(JsonObject carrier) {
    return carrier != null && carrier.getValue("traceparent") instanceof String tp ? tp : null;
  }

  /** Starts the job's span in trace {@code traceId}, under the client's {@code traceparent} when it has one. */
  public Span start(String traceId, String clientTraceparent, String jobId, String agent, String sessionId,
                    String expiresAt) {
    SpanContext parent = remoteParent(traceId, clientTraceparent);
    Span span = tracer.spanBuilder("arcp.job " + agent)
        .setSpanKind(SpanKind.SERVER)
        .setParent(Context.root().with(Span.wrap(parent)))
        .setAttribute(JOB_ID, jobId)
        .setAttribute(AGENT, agent)
        .setAttribute(SESSION_ID, sessionId)
        .setAttribute(TRACE_ID, traceId)
        .startSpan();
    if (expiresAt != null) {
      span.setAttribute(EXPIRES_AT, expiresAt);
    }
    return span;
  }

  private static SpanContext remoteParent(String traceId, String clientTraceparent) {
    if (inTrace(clientTraceparent, traceId)) {
      SpanContext given = SpanContext.createFromRemoteParent(traceId, clientTraceparent.substring(36, 52),
          TraceFlags.fromHex(clientTraceparent, 53), TraceState.getDefault());
      if (given.isValid()) {
        return given;
      }
    }
    // only a trace id: a parent span the client never reported, so that the job still lands in its trace
    return SpanContext.createFromRemoteParent(traceId, Ids.traceId().substring(16), TraceFlags.getSampled(),
        TraceState.getDefault());
  }

  /**
   * Starts the span of a Java agent running a job, under the job span whose context the dispatch carries
   * ({@code traceparent}); the agent's own delegations and tool calls continue from it.
   */
  public Span startAgent(String traceId, String traceparent, String jobId, String agent) {
    return tracer.spanBuilder("arcp.agent " + agent)
        .setSpanKind(SpanKind.CONSUMER)
        .setParent(Context.root().with(Span.wrap(remoteParent(traceId, traceparent))))
        .setAttribute(JOB_ID, jobId)
        .setAttribute(AGENT, agent)
        .setAttribute(TRACE_ID, traceId)
        .startSpan();
  }

  /** Whether {@code traceparent} is a W3C {@code traceparent} in trace {@code traceId}. */
  public static boolean inTrace(String traceparent, String traceId) {
    return traceparent != null && traceparent.length() == 55 && traceparent.startsWith("00-" + traceId + "-")
        && SpanContext.createFromRemoteParent(traceId, traceparent.substring(36, 52),
            TraceFlags.getDefault(), TraceState.getDefault()).isValid();
  }

  /** The {@code traceparent} for the job's agent: the job span, or a fresh span id in the job's trace. */
  public static String childTraceparent(Span span, String traceId) {
    SpanContext context = span.getSpanContext();
    return context.isValid() ? "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags()
        .asHex() : "00-" + traceId + "-" + Ids.traceId().substring(16) + "-01";
  }

  /**
   * Runs {@code action} with {@code span} as the current OpenTelemetry context, so that what it starts (an
   * event-bus send Vert.x traces) joins the span; a span that records nothing (no SDK) is not made current.
   */
  public static <T> T within(Span span, Supplier<T> action) {
    if (!span.getSpanContext().isValid()) {
      return action.get();
    }
    try (Scope ignored = span.makeCurrent()) {
      return action.get();
    }
  }

  /** Records what is left of a budget after a charge ({@code USD:0.42}). */
  public static void budgetRemaining(Span span, String currency, double remaining) {
    span.setAttribute(BUDGET_REMAINING, currency + ":" + remaining);
  }

  /** Ends the job's span with its outcome. */
  public static void end(Span span, String finalStatus, String errorCode, String errorMessage) {
    span.setAttribute(FINAL_STATUS, finalStatus);
    if (errorCode != null) {
      span.setAttribute(ERROR_CODE, errorCode);
      span.setStatus(StatusCode.ERROR, errorMessage == null ? errorCode : errorMessage);
    }
    span.end();
  }
}
