package dev.arcpgateway.job;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.Timestamps;
import dev.arcpgateway.telemetry.JobTracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Delegation mediated by the gateway (§9.4, §10). An agent asks to delegate; the lease verticle checks the
 * child lease is a subset of the job's and signs a single-use delegation token for exactly that subset; the
 * child is then submitted like any job, under that token, in the parent's session. The parent's stream gets a
 * {@code delegate} event naming {@code child_job_id}; the parent's agent gets the child's outcome. A refused
 * delegation is a {@code tool_result} error on the parent (the TypeScript SDK's form), which the agent can
 * handle.
 */
final class Delegations {

  private final Vertx vertx;
  private final GatewayOptions options;
  private final JobTable table;
  /** The runner's lane: the child is submitted to the parent's runner. */
  private final int lane;
  private AgentMessages events;

  Delegations(Vertx vertx, GatewayOptions options, JobTable table, int lane) {
    this.lane = lane;
    this.vertx = vertx;
    this.options = options;
    this.table = table;
  }

  void events(AgentMessages events) {
    this.events = events;
  }

  /**
   * {@code {delegate_id?, agent, input, lease_request, lease_constraints}} (the v1.0 {@code delegate} body) →
   * {@code {delegate_id, child_job_id}} once the child is accepted.
   */
  Future<JsonObject> delegate(Job parent, JsonObject body) {
    String delegateId = Fields.optString(body, "delegate_id") != null ? Fields.optString(body, "delegate_id")
        : "del_" + Ids.message();
    String agentText = Fields.string(body, "agent");
    JsonObject leaseRequest = Fields.optObject(body, "lease_request");
    JsonObject leaseConstraints = Fields.optObject(body, "lease_constraints");
    JsonObject ask = new JsonObject().put("op", "delegate").put("job_id", parent.id).put("job_token", parent.token)
        .put("agent", AgentRef.parse(agentText).name()).put("lease_request", leaseRequest)
        .put("lease_constraints", leaseConstraints);
    return vertx.eventBus().<JsonObject>request(parent.leaseAddress, ask, Bus.localWithTimeout(options.requestTimeoutMs()))
        .compose(granted -> {
          JsonObject payload = new JsonObject().put("agent", agentText).put("input", body.getValue("input"))
              .put("lease_request", leaseRequest).put("lease_constraints", leaseConstraints);
          JsonObject submit = new JsonObject()
              .put("session_id", parent.sessionId)
              .put("principal", parent.principal)
              .put("request_id", delegateId)
              .put("trace_id", parent.traceId)
              // the child continues from the agent's span when the agent says which, else from the job's
              .put("trace_carrier", new JsonObject().put("traceparent",
                  JobTracing.inTrace(body.getString("traceparent"), parent.traceId) ? body.getString("traceparent")
                      : JobTracing.childTraceparent(parent.span, parent.traceId)))
              .put("job_id", Ids.job())
              .put("payload", payload)
              .put("delegation_token", granted.body().getString("delegation_token"))
              .put("provision_credentials", parent.provisionCredentials)
              .put("lifecycle", parent.observers.wantLifecycle(parent.sessionId))
              .put("delegated_by", new JsonObject().put("job_id", parent.id).put("delegate_id", delegateId));
          return vertx.eventBus().<JsonObject>request(Addresses.jobSubmit(lane), submit,
              Bus.localWithTimeout(options.requestTimeoutMs()));
        })
        .map(accepted -> {
          String childId = accepted.body().getString("job_id");
          JsonObject event = new JsonObject().put("delegate_id", delegateId).put("agent", agentText)
              .put("input", body.getValue("input")).put("child_job_id", childId);
          if (leaseRequest != null) {
            event.put("lease_request", leaseRequest);
          }
          if (leaseConstraints != null) {
            event.put("lease_constraints", leaseConstraints);
          }
          if (parent.live()) {
            events.emitEvent(parent, "delegate", Timestamps.now(), event, null);
          }
          return new JsonObject().put("delegate_id", delegateId).put("child_job_id", childId);
        })
        .recover(failure -> {
          ArcpException error = BusErrors.toArcp(failure);
          if (parent.live()) {
            events.emitEvent(parent, "tool_result", null, new JsonObject().put("call_id", delegateId)
                .put("error", error.toPayload()), null);
          }
          return Future.failedFuture(error);
        });
  }

  /** A delegated child ended: tell the parent's agent how. */
  void childEnded(Job parent, JsonObject body) {
    if (parent.live()) {
      vertx.eventBus().send(Addresses.agentJob(parent.id), body.copy().put("op", "delegate_result"), Bus.OPTIONS);
    }
  }
}
