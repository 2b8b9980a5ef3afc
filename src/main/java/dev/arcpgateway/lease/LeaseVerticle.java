package dev.arcpgateway.lease;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.bus.BusErrors;
import dev.arcpgateway.ops.GatewayMetrics;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.protocol.Timestamps;
import dev.arcpgateway.store.CredentialLedger;
import dev.arcpgateway.store.TokenUses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owns the effective lease, budget counters, expiry, delegation tree and provisioned credentials of every live
 * job (§9, §10). The job runner asks it to grant a lease at submission and to release it at the end, and
 * forwards every authority-bearing operation of an agent here before it happens; the operation only proceeds on
 * a yes. Expiry is measured on the monotonic clock.
 *
 * <p>One instance per lane. Messages on {@link Addresses#lease(int)} (each answered; refusals are ARCP errors);
 * {@code mint} and {@code verify}, which need no job's lease, also on {@link Addresses#LEASE}:
 * <ul>
 *   <li>{@code grant {job_id, job_token, principal, lease_request, lease_constraints, parent_job_id?,
 *       delegation_token?, provision_credentials?}} → {@code {lease, lease_constraints?, budget?, credentials?,
 *       parent_job_id?, lease_lane}}: the lane that holds the lease from then on, where the job's further lease
 *       messages go (a child's lease is granted in its parent's lane)</li>
 *   <li>{@code authorize {job_id, job_token, capability, resource}} → {@code {}}</li>
 *   <li>{@code charge {job_id, job_token, currency, amount}} → {@code {currency, remaining}} or {@code {}}</li>
 *   <li>{@code delegate {job_id, job_token, agent, lease_request, lease_constraints}} →
 *       {@code {delegation_token}} for a child within the job's lease</li>
 *   <li>{@code mint {principal, lease, lease_constraints?, parent_job_id?, ttl_sec}} → {@code {delegation_token}}</li>
 *   <li>{@code verify {delegation_token}} → {@code {principal, parent_job_id, lease}}</li>
 *   <li>{@code budget {job_id}} → {@code {budget}}; {@code release {job_id}} → {@code {}}</li>
 * </ul>
 */
public final class LeaseVerticle extends VerticleBase {

  private static final System.Logger LOG = System.getLogger(LeaseVerticle.class.getName());

  private final Map<String, LeaseRecord> leases = new HashMap<>();
  /** Ids of single-use delegation tokens already used, until they expire: an agent's token starts one child. */
  private final Map<String, Instant> usedTokens = new LinkedHashMap<>();
  private final GatewayMetrics metrics;
  private final LeaseSettings settings;
  private final LeasePolicy policy;
  private final CredentialProvisioner provisioner;
  private final CredentialLedger ledger;
  private final TokenUses tokenUses;
  private final int lane;
  private LeaseLanes lanes;
  private DelegationTokens tokens;
  private ProvisionedCredentials credentials;

  public LeaseVerticle(LeaseSettings settings, LeasePolicy policy, CredentialProvisioner provisioner,
                       CredentialLedger ledger, GatewayMetrics metrics, TokenUses tokenUses, int lane) {
    this.lane = lane;
    this.metrics = metrics;
    this.settings = settings;
    this.tokenUses = tokenUses;
    this.policy = policy;
    this.provisioner = provisioner;
    this.ledger = ledger;
  }

  @Override
  public Future<?> start() {
    tokens = DelegationTokens.create(vertx, settings.tokenAlgorithm(), settings.tokenPrivateKey(),
        settings.tokenPublicKey());
    credentials = new ProvisionedCredentials(vertx, provisioner, ledger);
    lanes = new LeaseLanes(vertx);
    if (lane == 0) {
      credentials.sweep(); // in the background: startup does not wait for a slow upstream
    }
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.lease(lane), this::handle).completion()
        .compose(v -> vertx.eventBus().<JsonObject>localConsumer(Addresses.LEASE, this::handle).completion());
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    Future<JsonObject> reply;
    try {
      reply = switch (body.getString("op", "")) {
        case "grant" -> grant(body);
        case "authorize" -> Future.succeededFuture(authorize(body));
        case "charge" -> Future.succeededFuture(charge(body));
        case "delegate" -> Future.succeededFuture(delegate(body));
        case "mint" -> Future.succeededFuture(mint(body));
        case "verify" -> tokens.verify(Fields.string(body, "delegation_token")).map(grant -> new JsonObject()
            .put("principal", grant.principal()).put("parent_job_id", grant.parentJobId()).put("lease", grant.lease()));
        case "budget" -> {
          LeaseRecord record = leases.get(Fields.string(body, "job_id"));
          yield Future.succeededFuture(new JsonObject().put("budget", record == null || record.budget.isEmpty()
              ? null : record.budget.toJson()));
        }
        case "release" -> Future.succeededFuture(release(body));
        default -> throw ArcpException.invalid("unknown lease op " + body.getString("op"));
      };
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onComplete(outcome -> BusErrors.answer(message, outcome));
  }

  // ---- grant ---------------------------------------------------------------------------------------------

  private Future<JsonObject> grant(JsonObject body) {
    String token = Fields.optString(body, "delegation_token");
    if (token == null) {
      return grant(body, null);
    }
    return tokens.verify(token).compose(delegation -> grant(body, delegation));
  }

  /**
   * Computes the effective lease: the request narrowed by policy for a top-level job; for a child (by parent id
   * or delegation token) the request checked as a subset of its parent — and of the token's grant — with the
   * budget moved from the parent. Then provisions credentials when the feature is available.
   */
  private Future<JsonObject> grant(JsonObject body, DelegationTokens.Grant delegation) {
    String jobId = Fields.string(body, "job_id");
    String principal = Fields.string(body, "principal");
    Instant now = Instant.now();
    JsonObject requestJson = Fields.optObject(body, "lease_request");
    LeaseConstraints constraints = LeaseConstraints.parse(Fields.optObject(body, "lease_constraints"), now);
    String parentId = Fields.optString(body, "parent_job_id");
    Lease effective;
    Instant expiresAt = constraints.expiresAt();
    if (delegation != null) {
      if (!delegation.principal().equals(principal)) {
        throw new ArcpException(ErrorCode.PERMISSION_DENIED, "the delegation token was issued to another principal");
      }
      if (delegation.singleUse() && usedTokens.containsKey(delegation.tokenId())) {
        throw new ArcpException(ErrorCode.PERMISSION_DENIED, "the delegation token was already used");
      }
      Lease granted = Lease.parse(delegation.lease());
      Lease requested = requestJson == null ? granted : Lease.parse(requestJson);
      Instant grantedExpiry = delegation.leaseConstraints() == null ? null
          : LeaseConstraints.parse(delegation.leaseConstraints(), Instant.EPOCH).expiresAt();
      expiresAt = LeaseSubset.check(granted, Budget.of(granted.patterns(Capability.COST_BUDGET)), grantedExpiry,
          requested, expiresAt, settings.modelUseRequired());
      if (parentId != null && !parentId.equals(delegation.parentJobId())) {
        throw new ArcpException(ErrorCode.LEASE_SUBSET_VIOLATION, "parent_job_id differs from the delegation token's");
      }
      parentId = delegation.parentJobId();
      effective = requested;
    } else {
      Lease requested = Lease.parse(requestJson);
      effective = parentId == null ? policy.narrow(principal, requested) : requested;
    }
    int parentLane = parentId == null || leases.containsKey(parentId) ? lane : lanes.of(parentId);
    if (parentLane >= 0 && parentLane != lane) {
      // the parent's budget and children are there: the child's lease is granted, and then held, in that lane
      return vertx.eventBus().<JsonObject>request(Addresses.lease(parentLane), body, Bus.LOCAL)
          .map(Message::body)
          .recover(failure -> Future.failedFuture(BusErrors.toArcp(failure)));
    }
    LeaseRecord parent = null;
    if (parentId != null) {
      parent = leases.get(parentId);
      if (parent == null || !parent.principal.equals(principal)) {
        throw new ArcpException(ErrorCode.JOB_NOT_FOUND, "no live parent job " + parentId);
      }
      checkLive(parent);
      expiresAt = LeaseSubset.check(parent.lease, parent.budget, parent.expiresAt, effective, expiresAt,
          settings.modelUseRequired());
    }
    Budget budget = Budget.of(effective.patterns(Capability.COST_BUDGET));
    LeaseRecord record = new LeaseRecord(jobId, Fields.string(body, "job_token"), principal, effective, budget,
        expiresAt, parent);
    if (parent != null) {
      budget.counters().forEach(parent.budget::withdraw); // the amount moves from parent to child (§9.4)
      parent.children.add(jobId);
    }
    if (delegation != null && delegation.singleUse()) {
      usedTokens.put(delegation.tokenId(), delegation.expiresAt());
      forgetExpiredTokens(now);
    }
    leases.put(jobId, record);
    lanes.held(jobId, lane);
    if (expiresAt != null) {
      long delayNanos = Duration.between(now, expiresAt).toNanos();
      record.deadlineNanos = System.nanoTime() + delayNanos;
      record.expiryTimer = vertx.setTimer(Math.max(1, delayNanos / 1_000_000 + settings.expiryGraceMs()),
          t -> expire(record));
    }
    JsonObject reply = new JsonObject().put("lease", effective.toJson()).put("lease_lane", lane);
    JsonObject echo = expiresAt == null ? constraints.echo()
        : constraints.expiresAt() != null ? constraints.echo() : LeaseConstraints.expiringAt(expiresAt).echo();
    if (echo != null) {
      reply.put("lease_constraints", echo);
    }
    if (!budget.isEmpty()) {
      reply.put("budget", budget.toJson());
    }
    if (parentId != null) {
      reply.put("parent_job_id", parentId);
    }
    Future<Void> recorded = recordUse(delegation, record);
    if (!credentials.available() || !body.getBoolean("provision_credentials", false)) {
      return recorded.map(reply);
    }
    CredentialProvisioner.Request request = new CredentialProvisioner.Request(jobId, principal, effective,
        budget.toJson(), expiresAt);
    return recorded.compose(v -> credentials.issue(request)
        .map(issued -> {
          record.credentials.addAll(issued);
          record.rotationTimer = credentials.scheduleRotation(jobId, issued);
          JsonArray list = new JsonArray();
          issued.forEach(c -> list.add(c.toJson()));
          return reply.put("credentials", list);
        })
        .recover(failure -> {
          release(record); // a child's budget goes back to its parent
          return Future.failedFuture(failure instanceof ArcpException refused
              ? new ArcpException(ErrorCode.INTERNAL_ERROR, "could not provision credentials: " + refused.getMessage())
              : BusErrors.report(failure, "credentials for job " + jobId));
        }));
  }

  /**
   * A single-use token's use is stored before its grant answers, so that no restart and no other gateway on the
   * store lets it start a second job; a use recorded there first (or a store that cannot record it) undoes the
   * grant.
   */
  private Future<Void> recordUse(DelegationTokens.Grant delegation, LeaseRecord record) {
    if (delegation == null || !delegation.singleUse()) {
      return Future.succeededFuture();
    }
    return tokenUses.use(delegation.tokenId(), delegation.expiresAt()).transform(done -> {
      if (done.succeeded() && done.result()) {
        return Future.succeededFuture();
      }
      release(record);
      return Future.failedFuture(done.failed() ? done.cause()
          : new ArcpException(ErrorCode.PERMISSION_DENIED, "the delegation token was already used"));
    });
  }

  private void forgetExpiredTokens(Instant now) {
    usedTokens.values().removeIf(expiry -> expiry.isBefore(now));
  }

  // ---- operations ----------------------------------------------------------------------------------------

  /** §9.3: expiry, then budget, then the capability pattern — all before the operation is dispatched. */
  private JsonObject authorize(JsonObject body) {
    LeaseRecord record = record(body);
    String capability = Fields.string(body, "capability");
    String resource = Fields.string(body, "resource");
    try {
      checkLive(record);
      if (capability.equals(Capability.MODEL_USE) && !record.lease.has(Capability.MODEL_USE)
          && !settings.modelUseRequired()) {
        return new JsonObject(); // deployment policy: a lease without model.use allows any model (§9.7)
      }
      record.lease.check(capability, resource);
    } catch (ArcpException denied) {
      metrics.leaseDenied(capability);
      throw denied;
    }
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
    metrics.budgetSpent(currency, amount.doubleValue());
    return remaining == null ? new JsonObject()
        : new JsonObject().put("currency", currency).put("remaining", remaining.doubleValue());
  }

  /**
   * An agent wants to delegate: {@code agent.delegate} must cover the child agent and the child lease must be a
   * subset (§9.4); the answer is a signed, single-use token for exactly that child lease.
   */
  private JsonObject delegate(JsonObject body) {
    LeaseRecord parent = record(body);
    checkLive(parent);
    String agent = Fields.string(body, "agent");
    parent.lease.check(Capability.AGENT_DELEGATE, agent);
    Instant now = Instant.now();
    JsonObject requestJson = Fields.optObject(body, "lease_request");
    Lease child = Lease.parse(requestJson);
    LeaseConstraints constraints = LeaseConstraints.parse(Fields.optObject(body, "lease_constraints"), now);
    Instant expiresAt = LeaseSubset.check(parent.lease, parent.budget, parent.expiresAt, child,
        constraints.expiresAt(), settings.modelUseRequired());
    JsonObject childConstraints = expiresAt == null ? null : LeaseConstraints.expiringAt(expiresAt).echo();
    Instant tokenExpiry = now.plusSeconds(settings.tokenTtlSec());
    String token = tokens.mint(parent.principal, parent.jobId, child.toJson(), childConstraints,
        expiresAt != null && expiresAt.isBefore(tokenExpiry) ? expiresAt : tokenExpiry, true);
    return new JsonObject().put("delegation_token", token);
  }

  /** {@code Gateway.createDelegationToken}: a token for a principal and lease the embedding application chose. */
  private JsonObject mint(JsonObject body) {
    Lease lease = Lease.parse(Fields.object(body, "lease"));
    JsonObject constraints = Fields.optObject(body, "lease_constraints");
    LeaseConstraints.parse(constraints, Instant.now()); // validates
    long ttl = Fields.optLong(body, "ttl_sec", settings.tokenTtlSec());
    return new JsonObject().put("delegation_token", tokens.mint(Fields.string(body, "principal"),
        Fields.optString(body, "parent_job_id"), lease.toJson(), constraints, Instant.now().plusSeconds(ttl),
        false));
  }

  /**
   * The job ended: revoke its credentials, end its children (a child never outlives its parent's job), and
   * give a child's unspent budget back to its parent.
   */
  private JsonObject release(JsonObject body) {
    LeaseRecord record = leases.get(Fields.string(body, "job_id"));
    if (record != null) {
      release(record);
    }
    return new JsonObject();
  }

  private void release(LeaseRecord record) {
    forget(record);
    for (String child : List.copyOf(record.children)) {
      vertx.eventBus().send(Addresses.job(child), new JsonObject().put("op", "parent_ended")
          .put("parent_job_id", record.jobId), Bus.OPTIONS);
    }
    if (record.parent != null && leases.get(record.parent.jobId) == record.parent) {
      record.parent.children.remove(record.jobId);
      record.budget.counters().forEach(record.parent.budget::settle);
    }
  }

  private void forget(LeaseRecord record) {
    leases.remove(record.jobId);
    lanes.released(record.jobId);
    if (record.expiryTimer >= 0) {
      vertx.cancelTimer(record.expiryTimer);
    }
    if (record.rotationTimer >= 0) {
      vertx.cancelTimer(record.rotationTimer);
    }
    if (!record.credentials.isEmpty()) {
      credentials.revokeAll(record.credentials);
    }
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
    record.expiryTimer = -1;
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
    final LeaseRecord parent;
    final List<String> children = new ArrayList<>();
    final List<Credential> credentials = new ArrayList<>();
    long deadlineNanos = Long.MIN_VALUE;
    long expiryTimer = -1;
    long rotationTimer = -1;

    LeaseRecord(String jobId, String jobToken, String principal, Lease lease, Budget budget, Instant expiresAt,
                LeaseRecord parent) {
      this.jobId = jobId;
      this.jobToken = jobToken;
      this.principal = principal;
      this.lease = lease;
      this.budget = budget;
      this.expiresAt = expiresAt;
      this.parent = parent;
    }
  }
}
