package dev.arcpgateway.agent.demo;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Fields;
import io.vertx.core.json.JsonObject;

/** Reading the small inputs of the demo agents, with INVALID_REQUEST for nonsense. */
final class DemoInput {

  private DemoInput() {
  }

  static long count(JsonObject input, String field, long fallback, long max) {
    long value = Fields.optLong(input, field, fallback);
    if (value < 0 || value > max) {
      throw ArcpException.invalid(field + " must be between 0 and " + max);
    }
    return value;
  }
}
