package dev.arcpgateway.job;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.lease.LeaseSettings;
import dev.arcpgateway.telemetry.JobTracing;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.EventBodies;
import dev.arcpgateway.protocol.Extensions;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.protocol.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * Everything an agent sends about its job, Java verticle or bridged process alike: events (checked against
 * §8.2, result chunks against §8.4), the result, a failure, heartbeats, authorization questions (answered by the
 * lease verticle before the operation happens, §9.3) and delegation requests. Every message must carry the job's
 * token. Cost metrics charge the budget and are followed by a {@code cost.budget.remaining} metric (§9.6).
 */
final class AgentMessages {

  private final Vertx vertx;
  private final GatewayOptions options;
  private final JobTable table;
  private final Delegations delegations;
  private final boolean budgetExhaustedFatal;
  private final long expiryGraceMs;

  AgentMessages(Vertx vertx, GatewayOptions options, JobTable table, Delegations delegations) {
    this.vertx = vertx;
    this.options = options;
    this.table = table;
    this.delegations = delegations;
    this.budgetExhaustedFatal = options.lease().getBoolean("budget_exhausted_fatal", false);
    this.expiryGraceMs = options.lease().getLong("expiry_grace_ms", LeaseSettings.DEFAULTS.expiryGraceMs());
  }

  /** Handles one agent message; the future is the reply for agents that asked for one. */
  Future<JsonObject> handle(Job job, String op, JsonObject body) {
    if (!Secrets.equal(job.token, body.getString("job_token"))) {
      return Future.failedFuture(new ArcpException(ErrorCode.PERMISSION_DENIED, "wrong job token for " + job.id));
    }
    if (!job.live()) {
      // late messages of an agent whose job already ended: questions are refused, the rest is dropped
      return op.equals("authorize") || op.equals("delegate")
          ? Future.failedFuture(new ArcpException(ErrorCode.JOB_NOT_FOUND, "job " + job.id + " has ended"))
          : Future.succeededFuture(new JsonObject());
    }
    job.lastHeartbeatNanos = System.nanoTime();
    switch (op) {
      case "event" -> {
        try {
          onEvent(job, body);
        } finally {
          job.taken.tookEvent();
          reportTaken(job, body);
        }
      }
      case "events" -> {
        return events(job, body);
      }
      case "result", "fail" -> agentEnded(job, op, body);
      case "heartbeat" -> {
        reportTaken(job, body);
        table.moment(job, Lifecycle.HEARTBEAT);
      }
      case "authorize" -> {
        return authorize(job, Fields.string(body, "capability"), Fields.string(body, "resource"));
      }
      case "delegate" -> {
        return delegations.delegate(job, body);
      }
      default -> throw ArcpException.invalid("unknown agent op " + op);
    }
    return Future.succeededFuture(new JsonObject());
  }

  /**
   * Several events in one message, each as the body of an {@code event} op, taken in order. A bad one is dropped
   * like a lone bad event and the rest are still taken; a request is answered with the first refusal.
   */
  private Future<JsonObject> events(Job job, JsonObject batch) {
    if (!(batch.getValue("events") instanceof JsonArray events)) {
      throw ArcpException.invalid("events needs an array of events");
    }
    ArcpException refused = null;
    try {
      for (Object each : events) {
        if (!job.live()) {
          break; // one of them ended the job (a broken result stream): the rest are late
        }
        try {
          if (!(each instanceof JsonObject event)) {
            throw ArcpException.invalid("each of events is an object");
          }
          onEvent(job, event);
        } catch (ArcpException bad) {
          refused = refused == null ? bad : refused;
        } finally {
          job.taken.tookEvent();
        }
      }
    } finally {
      reportTaken(job, batch);
    }
    return refused == null ? Future.succeededFuture(new JsonObject()) : Future.failedFuture(refused);
  }

  /** Tells an in-process agent what was taken of its events, when its message asked. */
  private void reportTaken(Job job, JsonObject message) {
    JsonObject report = job.taken.reportFor(message);
    if (report != null) {
      vertx.eventBus().send(Addresses.agentJob(job.id), report, Bus.OPTIONS);
    }
  }

  /** The agent's result or failure, taken once the cost charges it sent before it have been answered. */
  private void agentEnded(Job job, String op, JsonObject body) {
    // only an in-process agent may say so: the bridge hosts a process's job and needs the ended order
    job.agentLeft = job.taken.reporting() && Boolean.TRUE.equals(body.getValue("leaving"));
    job.chargesSettled().onComplete(charged -> {
      if (!job.live()) {
        return;
      }
      if (job.leaseExpired != null) {
        table.end(job, job.leaseExpired, null);
      } else if (op.equals("result")) {
        onResult(job, body);
      } else {
        fail(job, body);
      }
    });
  }

  private void fail(Job job, JsonObject body) {
    JsonObject error = Fields.optObject(body, "error");
    table.failed(job, error == null ? new ArcpException(ErrorCode.INTERNAL_ERROR, "the agent failed")
        : ArcpException.fromPayload(error));
  }

  private Future<JsonObject> authorize(Job job, String capability, String resource) {
    JsonObject request = new JsonObject().put("op", "authorize").put("job_id", job.id).put("job_token", job.token)
        .put("capability", capability).put("resource", resource);
    return vertx.eventBus().<JsonObject>request(job.leaseAddress, request, Bus.localWithTimeout(options.requestTimeoutMs()))
        .map(reply -> reply.body())
        .recover(failure -> {
          ArcpException error = BusErrors.toArcp(failure);
          if (error.code() == ErrorCode.LEASE_EXPIRED && job.leaseExpired == null) {
            // §9.5, §13.4: the agent hears why, unwinds, and the job ends with LEASE_EXPIRED whatever it reports
            job.leaseExpired = error;
            vertx.setTimer(expiryGraceMs, t -> table.end(job, error, "lease expired"));
          } else if (budgetExhaustedFatal && error.code() == ErrorCode.BUDGET_EXHAUSTED) {
            vertx.runOnContext(v -> table.end(job, error, "budget exhausted"));
          }
          return Future.failedFuture(error);
        });
  }

  private void onEvent(Job job, JsonObject message) {
    String kind = Fields.string(message, "kind");
    JsonObject body = Fields.optObject(message, "body");
    if ("result_chunk".equals(kind)) {
      if (body == null) {
        throw ArcpException.invalid("result_chunk needs a body");
      }
      try {
        body = job.chunks.accept(body);
      } catch (ArcpException broken) {
        table.end(job, broken, broken.getMessage());
        return;
      }
    } else {
      body = EventBodies.validate(kind, body);
    }
    String currency = null;
    BigDecimal cost = null;
    if ("metric".equals(kind) && EventBodies.isCost(body.getString("name"))) {
      cost = Fields.optNumber(body, "value"); // never negative: EventBodies refused those
      currency = body.getString("unit");
    }
    emitEvent(job, kind, message.getString("ts"), body, message);
    if (currency != null) {
      charge(job, currency, cost);
    }
  }

  /** Charges the budget, then reports what is left (§9.6); fatal exhaustion ends the job when configured. */
  private void charge(Job job, String currency, BigDecimal cost) {
    JsonObject request = new JsonObject().put("op", "charge").put("job_id", job.id).put("job_token", job.token)
        .put("currency", currency).put("amount", cost);
    job.chargeSent();
    vertx.eventBus().<JsonObject>request(job.leaseAddress, request, Bus.localWithTimeout(options.requestTimeoutMs()))
        .onComplete(answer -> {
          if (answer.succeeded()) {
            gauge(job, currency, answer.result().body());
          }
          job.chargeAnswered(); // after the gauge: the job's outcome waits for this
        });
  }

  /** The remaining budget after a charge, as a {@code cost.budget.remaining} metric (§9.6). */
  private void gauge(Job job, String currency, JsonObject answer) {
    if (!answer.containsKey("remaining") || !job.live()) {
      return;
    }
    double remaining = answer.getDouble("remaining");
    JobTracing.budgetRemaining(job.span, currency, remaining);
    emitEvent(job, "metric", null, new JsonObject().put("name", "cost.budget.remaining")
        .put("value", remaining).put("unit", currency), null);
    if (budgetExhaustedFatal && remaining <= 0) {
      table.end(job, new ArcpException(ErrorCode.BUDGET_EXHAUSTED, "the " + currency + " budget is exhausted"),
          "budget exhausted");
    }
  }

  void emitEvent(Job job, String kind, String ts, JsonObject body, JsonObject extensionsFrom) {
    JsonObject payload = new JsonObject().put("kind", kind).put("ts", ts != null ? ts : Timestamps.now())
        .put("body", body);
    if (extensionsFrom != null) {
      for (String key : extensionsFrom.fieldNames()) {
        if (Extensions.isExtensionKey(key) || "extensions".equals(key)) {
          payload.put(key, extensionsFrom.getValue(key));
        }
      }
    }
    table.emit(job, MessageType.JOB_EVENT, payload);
  }

  private void onResult(Job job, JsonObject message) {
    JsonObject payload = new JsonObject().put("final_status", JobStatus.SUCCESS.wire());
    if (job.chunks.started()) {
      if (message.getValue("result") != null) {
        table.end(job, new ArcpException(ErrorCode.INTERNAL_ERROR,
            "the agent returned an inline result after streaming result chunks"), null);
        return;
      }
      JsonObject closing = job.chunks.closingChunk();
      if (closing != null) {
        emitEvent(job, "result_chunk", null, closing, null);
      }
      payload.put("result_id", job.chunks.resultId()).put("result_size", job.chunks.totalBytes());
    } else {
      payload.put("result", message.getValue("result"));
    }
    if (message.getValue("summary") instanceof String summary) {
      payload.put("summary", summary);
    }
    table.finish(job, JobStatus.SUCCESS, MessageType.JOB_RESULT, payload, Lifecycle.COMPLETED, null, null);
  }
}
