package dev.arcpgateway.job;

import dev.arcpgateway.agent.LiveInventory;
import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Ids;
import dev.arcpgateway.protocol.JobStatus;
import dev.arcpgateway.protocol.MessageType;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.protocol.Timestamps;
import dev.arcpgateway.store.GatewayStore;
import dev.arcpgateway.store.IdempotencyStore;
import dev.arcpgateway.store.JobSnapshot;
import dev.arcpgateway.telemetry.JobTracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Function;

/**
 * Turns a {@code job.submit} into a job (§7.1, §7.2, §7.5): validates it, resolves {@code name@version}, has the
 * lease verticle grant the lease (narrowed by policy, or checked against a parent for delegated work), and
 * settles the idempotency key — a repeated key with identical parameters answers with the original acceptance.
 * A submission that fails after the grant gives the lease and the key back.
 */
final class Admission {

  private static final System.Logger LOG = System.getLogger(Admission.class.getName());

  private final Vertx vertx;
  private final GatewayOptions options;
  private final GatewayStore store;
  private final LiveInventory inventory;
  /** The runner's lane, whose lease verticle grants (or hands the grant to the parent's lane). */
  private final int lane;

  Admission(Vertx vertx, GatewayOptions options, GatewayStore store, LiveInventory inventory, int lane) {
    this.lane = lane;
    this.vertx = vertx;
    this.options = options;
    this.store = store;
    this.inventory = inventory;
  }

  /**
   * Admits {@code {session_id, principal, request_id, trace_id, job_id, payload, delegation_token?,
   * delegated_by?, lifecycle?}} ({@code lifecycle}: the session writes lifecycle events); {@code create} registers
   * the new job. The answer is {@code {job_id, accepted, credentials?, replayed}}.
   */
  Future<JsonObject> admit(JsonObject body, Function<Job, Future<Void>> create) {
    SubmitRequest request;
    AgentRef agent;
    try {
      request = SubmitRequest.parse(body.getJsonObject("payload"));
      agent = inventory.current().resolve(request.agent());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String jobId = body.getString("job_id");
    String token = Secrets.token("jt_");
    String principal = body.getString("principal");
    JsonObject carrier = body.getJsonObject("trace_carrier");
    String traceId = Ids.traceIdFrom(body.getString("trace_id") != null ? body.getString("trace_id")
        : JobTracing.traceparent(carrier));
    String delegationToken = request.delegationToken() != null ? request.delegationToken()
        : body.getString("delegation_token");
    JsonObject grantRequest = new JsonObject()
        .put("op", "grant")
        .put("job_id", jobId)
        .put("job_token", token)
        .put("principal", principal)
        .put("lease_request", request.leaseRequest())
        .put("lease_constraints", request.leaseConstraints())
        .put("parent_job_id", request.parentJobId())
        .put("delegation_token", delegationToken)
        .put("provision_credentials", body.getBoolean("provision_credentials", false));
    return vertx.eventBus().<JsonObject>request(Addresses.lease(lane), grantRequest,
            Bus.localWithTimeout(options.requestTimeoutMs()))
        .recover(failure -> Future.failedFuture(BusErrors.toArcp(failure)))
        .compose(reply -> {
          JsonObject grant = reply.body();
          Instant now = Instant.now();
          JsonObject accepted = acceptedPayload(jobId, agent, grant, traceId, body.getJsonObject("delegated_by"), now);
          Job job = new Job(jobId, token, principal, body.getString("session_id"), traceId, agent, request, grant,
              accepted, new ResultChunks(options.resultChunkMaxBytes(), options.resultMaxBytes()), now,
              body.getBoolean("lifecycle", false));
          job.delegatedBy = body.getJsonObject("delegated_by");
          // the extension's traceparent, else a whole traceparent given as the envelope's trace_id
          job.clientTraceparent = JobTracing.traceparent(carrier) != null ? JobTracing.traceparent(carrier)
              : body.getString("trace_id");
          job.provisionCredentials = body.getBoolean("provision_credentials", false);
          return claimKey(job)
              .recover(failure -> {
                releaseLease(job);
                return Future.failedFuture(failure);
              })
              .compose(winner -> {
                if (!winner.jobId().equals(jobId)) {
                  releaseLease(job);
                  return replay(job, winner);
                }
                JsonObject answer = new JsonObject().put("job_id", jobId).put("accepted", accepted)
                    .put("replayed", false);
                if (grant.containsKey("credentials")) {
                  answer.put("credentials", grant.getJsonArray("credentials")); // for the submitter only, never stored
                }
                // the job never came to exist: its lease (budget, credentials) and its key are given back
                return create.apply(job).map(answer).recover(failure -> {
                  releaseLease(job);
                  releaseKey(winner);
                  return Future.failedFuture(failure);
                });
              });
        });
  }

  private void releaseLease(Job job) {
    vertx.eventBus().send(job.leaseAddress, new JsonObject().put("op", "release").put("job_id", job.id), Bus.LOCAL);
  }

  private void releaseKey(IdempotencyStore.Claim claim) {
    if (claim.key() != null) {
      store.idempotency().release(claim).onFailure(e -> LOG.log(System.Logger.Level.WARNING,
          "could not release idempotency key of job " + claim.jobId() + "; it stays claimed until it expires", e));
    }
  }

  private static JsonObject acceptedPayload(String jobId, AgentRef agent, JsonObject grant, String traceId,
                                            JsonObject delegatedBy, Instant now) {
    JsonObject accepted = new JsonObject()
        .put("job_id", jobId)
        .put("agent", agent.toString())
        .put("lease", grant.getJsonObject("lease"));
    if (grant.containsKey("lease_constraints")) {
      accepted.put("lease_constraints", grant.getJsonObject("lease_constraints"));
    }
    if (grant.containsKey("budget")) {
      accepted.put("budget", grant.getJsonObject("budget"));
    }
    if (grant.getString("parent_job_id") != null) {
      accepted.put("parent_job_id", grant.getString("parent_job_id"));
    }
    if (delegatedBy != null) {
      accepted.put("delegate_id", delegatedBy.getString("delegate_id"));
    }
    return accepted.put("accepted_at", Timestamps.format(now)).put("trace_id", traceId);
  }

  /** The idempotency claim that stands for this submission: the job's own, or an earlier one (§7.2). */
  private Future<IdempotencyStore.Claim> claimKey(Job job) {
    if (job.request.idempotencyKey() == null) {
      return Future.succeededFuture(new IdempotencyStore.Claim(job.principal, null, null, job.id, null, null));
    }
    return store.idempotency().claim(new IdempotencyStore.Claim(job.principal, job.request.idempotencyKey(),
        job.request.fingerprint(), job.id, Instant.now().plusSeconds(options.idempotencyTtlSec()), job.accepted));
  }

  private Future<JsonObject> replay(Job attempt, IdempotencyStore.Claim winner) {
    if (!winner.fingerprint().equals(attempt.request.fingerprint())) {
      return Future.failedFuture(new ArcpException(ErrorCode.DUPLICATE_KEY,
          "idempotency_key " + attempt.request.idempotencyKey() + " was used for different parameters",
          new JsonObject().put("existing_job_id", winner.jobId())));
    }
    // the claim carries the acceptance, so a resubmission racing the first one gets it too (§7.2)
    JsonObject answer = new JsonObject().put("job_id", winner.jobId()).put("accepted", winner.accepted())
        .put("replayed", true);
    return outcome(winner.jobId()).map(outcome -> outcome == null ? answer : answer.put("outcome", outcome));
  }

  /**
   * How a finished job ended, {@code {type, payload}} of its terminal frame, so that a resubmission of it also
   * gets its result (clients wait for one); null while the job runs. When its history is no longer kept, a
   * terminal frame of the same status says so.
   */
  private Future<JsonObject> outcome(String jobId) {
    return store.jobs().get(jobId).compose(job -> {
      if (job == null || !job.status().terminal()) {
        return Future.succeededFuture(null);
      }
      return store.events().last(jobId).map(last -> {
        if (last != null && (last.type() == MessageType.JOB_RESULT || last.type() == MessageType.JOB_ERROR)) {
          return new JsonObject().put("type", last.type().wire()).put("payload", last.payload());
        }
        return forgottenOutcome(job);
      });
    });
  }

  private static JsonObject forgottenOutcome(JobSnapshot job) {
    String message = "job " + job.jobId() + " ended " + job.status().wire() + "; its outcome is no longer kept";
    if (job.status() == JobStatus.SUCCESS) {
      return new JsonObject().put("type", MessageType.JOB_RESULT.wire()).put("payload", new JsonObject()
          .put("final_status", JobStatus.SUCCESS.wire()).put("summary", message)
          .put("completed_at", Timestamps.format(job.updatedAt())));
    }
    ErrorCode code = switch (job.status()) {
      case CANCELLED -> ErrorCode.CANCELLED;
      case TIMED_OUT -> ErrorCode.TIMEOUT;
      default -> ErrorCode.INTERNAL_ERROR;
    };
    return new JsonObject().put("type", MessageType.JOB_ERROR.wire()).put("payload",
        new ArcpException(code, message).toPayload().put("final_status", job.status().wire())
            .put("completed_at", Timestamps.format(job.updatedAt())));
  }
}
