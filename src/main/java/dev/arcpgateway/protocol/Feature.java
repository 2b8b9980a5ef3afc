package dev.arcpgateway.protocol;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Feature flags negotiated in {@code session.hello} / {@code session.welcome} (§6.2), spelled as on the wire. */
public final class Feature {

  public static final String HEARTBEAT = "heartbeat";
  public static final String ACK = "ack";
  public static final String LIST_JOBS = "list_jobs";
  public static final String SUBSCRIBE = "subscribe";
  public static final String LEASE_EXPIRES_AT = "lease_expires_at";
  public static final String COST_BUDGET = "cost.budget";
  public static final String MODEL_USE = "model.use";
  public static final String PROVISIONED_CREDENTIALS = "provisioned_credentials";
  public static final String PROGRESS = "progress";
  public static final String RESULT_CHUNK = "result_chunk";
  public static final String AGENT_VERSIONS = "agent_versions";

  /**
   * This gateway's opt-in flag (§15 naming) for the seed's lifecycle events §8.1 {@code job.queued}, §8.2
   * {@code job.started} (with the job's resume token) and §8.9 {@code job.heartbeat}, sent as {@code status}
   * events with {@code phase} {@code queued}, {@code started} and {@code heartbeat}. Not a v1.1 flag: clients
   * that do not ask for it never see these events.
   */
  public static final String LIFECYCLE = "x-vendor.arcpgateway.lifecycle";

  /** All v1.1 flags in the spec's order. */
  public static final List<String> ALL = List.of(HEARTBEAT, ACK, LIST_JOBS, SUBSCRIBE, LEASE_EXPIRES_AT,
      COST_BUDGET, MODEL_USE, PROVISIONED_CREDENTIALS, PROGRESS, RESULT_CHUNK, AGENT_VERSIONS);

  private Feature() {
  }

  /** The effective set: what the client asked for that the runtime offers, in the runtime's order. */
  public static Set<String> intersect(List<String> offered, Set<String> requested) {
    Set<String> effective = new LinkedHashSet<>();
    for (String feature : offered) {
      if (requested.contains(feature)) {
        effective.add(feature);
      }
    }
    return effective;
  }
}
