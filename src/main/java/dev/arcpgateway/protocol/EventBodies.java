package dev.arcpgateway.protocol;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Set;

/**
 * Validation and normalisation of {@code job.event} bodies (§8.2), applied to everything an agent emits before
 * it reaches a client. {@code result_chunk} bodies are checked by the job's result stream, which also knows the
 * order and size rules of §8.4.
 */
public final class EventBodies {

  private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error", "critical");

  private EventBodies() {
  }

  /**
   * Checks {@code body} for {@code kind} and returns the body to emit: the same object, with the dialect
   * variants normalised ({@code dims} → {@code dimensions}, integral progress numbers as integers).
   */
  public static JsonObject validate(String kind, JsonObject body) {
    if (body == null) {
      throw ArcpException.invalid("event body must be an object");
    }
    EventKind known = EventKind.fromWire(kind);
    if (known == null) {
      if (EventKind.isVendorKind(kind)) {
        return body;
      }
      throw ArcpException.invalid("unknown event kind " + kind);
    }
    switch (known) {
      case LOG -> {
        String level = Fields.string(body, "level");
        if (!LOG_LEVELS.contains(level)) {
          throw ArcpException.invalid("log level must be one of " + LOG_LEVELS + ", got " + level);
        }
        Fields.string(body, "message");
      }
      case THOUGHT -> Fields.string(body, "text");
      case TOOL_CALL -> {
        Fields.string(body, "tool");
        Fields.string(body, "call_id");
        if (body.getValue("args") == null) {
          body.put("args", new JsonObject());
        }
      }
      case TOOL_RESULT -> {
        Fields.string(body, "call_id");
        boolean hasResult = body.containsKey("result");
        JsonObject error = Fields.optObject(body, "error");
        if (hasResult == (error != null)) {
          throw ArcpException.invalid("tool_result carries exactly one of result or error");
        }
        if (error != null) {
          body.put("error", ArcpException.fromPayload(error).toPayload());
        }
      }
      case STATUS -> {
        Fields.string(body, "phase");
        Fields.optString(body, "message");
      }
      case METRIC -> {
        String name = Fields.string(body, "name");
        java.math.BigDecimal value = Fields.optNumber(body, "value");
        if (value == null) {
          throw ArcpException.invalid("metric value is required");
        }
        if (isCost(name) && value.signum() < 0) {
          throw ArcpException.invalid("cost metrics must not be negative (§9.6); nothing was charged");
        }
        Fields.optString(body, "unit");
        JsonObject dims = Fields.optObject(body, "dims");
        if (dims != null) {
          body.remove("dims");
          if (!body.containsKey("dimensions")) {
            body.put("dimensions", dims);
          }
        }
        Fields.optObject(body, "dimensions");
      }
      case ARTIFACT_REF -> {
        Fields.string(body, "uri");
        Fields.string(body, "content_type");
        Long size = Fields.optLong(body, "byte_size");
        if (size != null && size < 0) {
          throw ArcpException.invalid("artifact_ref byte_size must not be negative");
        }
        Fields.optString(body, "sha256");
      }
      case DELEGATE -> Fields.string(body, "agent");
      case PROGRESS -> {
        normaliseCount(body, "current", true);
        normaliseCount(body, "total", false);
        Fields.optString(body, "units");
        Fields.optString(body, "message");
      }
      case RESULT_CHUNK -> {
        // checked by the job's ResultStream, which owns chunk order and caps
      }
    }
    return body;
  }

  /** {@code cost.*} metrics are charged to budgets (§9.6); {@code cost.budget.remaining} is the runtime's gauge. */
  public static boolean isCost(String name) {
    return name != null && name.startsWith("cost.") && !name.equals("cost.budget.remaining");
  }

  private static void normaliseCount(JsonObject body, String field, boolean required) {
    BigDecimal value = Fields.optNumber(body, field);
    if (value == null) {
      if (required) {
        throw ArcpException.invalid("progress " + field + " is required");
      }
      return;
    }
    if (value.signum() < 0) {
      throw ArcpException.invalid("progress " + field + " must not be negative");
    }
    if (value.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw ArcpException.invalid("progress " + field + " is too large");
    }
    // the Java and Python clients decode progress numbers as integers: fractions are cut to the whole number
    body.put(field, value.longValue());
  }
}
