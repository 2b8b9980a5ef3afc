package dev.arcpgateway.lease;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.protocol.Timestamps;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Owns the effective lease, budget counters and expiry of every live job (§9). The job runner asks it to grant
 * a lease at submission and to release it at the end; agents ask it before every authority-bearing operation,
 * and the operation only happens on a yes. Expiry is measured on the monotonic clock.
 *
 * <p>Messages on {@link Addresses#LEASE} (each answered, refusals as ARCP errors):
 * <ul>
 *   <li>{@code grant {job_id, job_token, principal, lease_request, lease_constraints}} →
 *       {@code {lease, lease_constraints?, budget?}}</li>
 *   <li>{@code authorize {job_id, job_token, capability, resource}} → {@code {}}</li>
 *   <li>{@code charge {job_id, job_token, currency, amount}} → {@code {currency, remaining}} or {@code {}}</li>
 *   <li>{@code release {job_id}} → {@code {}}</li>
 *   <li>{@code budget {job_id}} → {@code {budget}}: the current counters (null once the job ended)</li>
 * </ul>
 */
public final class LeaseVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(LeaseVerticle.class.getName());

  private final Map<String, LeaseRecord> leases = new HashMap<>();
  private final LeasePolicy policy;
  private final long expiryGraceMs;

  public LeaseVerticle(LeasePolicy policy, long expiryGraceMs) {
    this.policy = policy;
    this.expiryGraceMs = expiryGraceMs;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.LEASE, this::handle).completion();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    try {
      JsonObject reply = switch (body.getString("op", "")) {
        case "grant" -> grant(body);
        case "authorize" -> authorize(body);
        case "charge" -> charge(body);
        case "release" -> release(body);
        case "budget" -> {
          LeaseRecord record = leases.get(Fields.string(body, "job_id"));
          yield new JsonObject().put("budget", record == null ? null : record.budget.toJson());
        }
        default -> throw ArcpException.invalid("unknown lease op " + body.getString("op"));
      };
      message.reply(reply, Bus.OPTIONS);
    } catch (RuntimeException e) {
      BusErrors.fail(message, e);
    }
  }

  private JsonObject grant(JsonObject body) {
    String jobId = Fields.string(body, "job_id");
    Instant now = Instant.now();
    Lease requested = Lease.parse(Fields.optObject(body, "lease_request"));
    LeaseConstraints constraints = LeaseConstraints.parse(Fields.optObject(body, "lease_constraints"), now);
    String principal = Fields.string(body, "principal");
    Lease effective = policy.narrow(principal, requested);
    Budget budget = Budget.of(effective.patterns(Capability.COST_BUDGET));
    LeaseRecord record = new LeaseRecord(jobId, Fields.string(body, "job_token"), principal, effective, budget,
        constraints.expiresAt());
    if (constraints.expiresAt() != null) {
      long delayNanos = Duration.between(now, constraints.expiresAt()).toNanos();
      record.deadlineNanos = System.nanoTime() + delayNanos;
      record.timerId = vertx.setTimer(Math.max(1, delayNanos / 1_000_000 + expiryGraceMs), t -> expire(record));
    }
    leases.put(jobId, record);
    JsonObject reply = new JsonObject().put("lease", effective.toJson());
    if (constraints.echo() != null) {
      reply.put("lease_constraints", constraints.echo());
    }
    if (!budget.isEmpty()) {
      reply.put("budget", budget.toJson());
    }
    return reply;
  }

  private JsonObject authorize(JsonObject body) {
    LeaseRecord record = record(body);
    String capability = Fields.string(body, "capability");
    String resource = Fields.string(body, "resource");
    checkLive(record);
    record.lease.check(capability, resource);
    return new JsonObject();
  }

  private JsonObject charge(JsonObject body) {
    LeaseRecord record = record(body);
    String currency = Fields.string(body, "currency");
    BigDecimal amount = Fields.optNumber(body, "amount");
    if (amount == null) {
      throw ArcpException.invalid("amount is required");
    }
    BigDecimal remaining = record.budget.charge(currency, amount);
    return remaining == null ? new JsonObject()
        : new JsonObject().put("currency", currency).put("remaining", remaining.doubleValue());
  }

  private JsonObject release(JsonObject body) {
    LeaseRecord record = leases.remove(Fields.string(body, "job_id"));
    if (record != null && record.timerId >= 0) {
      vertx.cancelTimer(record.timerId);
    }
    return new JsonObject();
  }

  /** The job's lease, after checking that the caller holds the job's token. */
  private LeaseRecord record(JsonObject body) {
    LeaseRecord record = leases.get(Fields.string(body, "job_id"));
    if (record == null || !Secrets.equal(record.jobToken, body.getString("job_token"))) {
      throw new ArcpException(ErrorCode.JOB_NOT_FOUND, "no live job " + body.getString("job_id") + " for this token");
    }
    return record;
  }

  /** Expiry first, then budget (§9.5, §9.6): either refuses every operation. */
  private static void checkLive(LeaseRecord record) {
    if (record.deadlineNanos != Long.MIN_VALUE && System.nanoTime() - record.deadlineNanos >= 0) {
      throw new ArcpException(ErrorCode.LEASE_EXPIRED,
          "the lease expired at " + Timestamps.format(record.expiresAt));
    }
    if (record.budget.exhausted()) {
      throw new ArcpException(ErrorCode.BUDGET_EXHAUSTED, "the job's budget is exhausted",
          new JsonObject().put("budget", record.budget.toJson()));
    }
  }

  private void expire(LeaseRecord record) {
    record.timerId = -1;
    if (leases.get(record.jobId) != record) {
      return;
    }
    LOG.log(System.Logger.Level.INFO, "lease of {0} (principal {1}) expired at {2}", record.jobId,
        record.principal, Timestamps.format(record.expiresAt));
    vertx.eventBus().send(Addresses.job(record.jobId), new JsonObject().put("op", "lease_expired")
        .put("expires_at", Timestamps.format(record.expiresAt)), Bus.OPTIONS);
  }

  /** One job's lease state. */
  private static final class LeaseRecord {
    final String jobId;
    final String jobToken;
    final String principal;
    final Lease lease;
    final Budget budget;
    final Instant expiresAt;
    long deadlineNanos = Long.MIN_VALUE;
    long timerId = -1;

    LeaseRecord(String jobId, String jobToken, String principal, Lease lease, Budget budget, Instant expiresAt) {
      this.jobId = jobId;
      this.jobToken = jobToken;
      this.principal = principal;
      this.lease = lease;
      this.budget = budget;
      this.expiresAt = expiresAt;
    }
  }
}
