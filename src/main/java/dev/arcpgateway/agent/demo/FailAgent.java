package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@code fail}: input {@code {"code": "...", "message": "..."}} → {@code job.error} with that code. */
public final class FailAgent implements Agent {

  @Override
  public Future<?> run(JobContext job) {
    JsonObject input = job.inputObject();
    String code = input.getValue("code") instanceof String s ? s : ErrorCode.INTERNAL_ERROR.name();
    String message = input.getValue("message") instanceof String s ? s : "failed on request";
    return Future.failedFuture(ErrorCode.fromWire(code)
        .map(known -> new ArcpException(known, message))
        .orElseGet(() -> new ArcpException(ErrorCode.INTERNAL_ERROR, message + " (unknown code " + code + ")")));
  }
}
