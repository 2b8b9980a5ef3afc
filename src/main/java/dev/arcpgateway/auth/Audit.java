package dev.arcpgateway.auth;

/**
 * The audit trail (§14): one line per cross-session decision, on the {@code dev.arcpgateway.audit} logger so
 * that deployments can route it apart from operational logs.
 */
public final class Audit {

  private static final System.Logger LOG = System.getLogger("dev.arcpgateway.audit");

  private Audit() {
  }

  /** A {@code job.subscribe} decision: who asked, for which job, whose job it is, and the answer. */
  public static void subscribe(String subscriber, String jobId, String owner, boolean allowed) {
    LOG.log(System.Logger.Level.INFO, "subscribe subscriber={0} job={1} job_principal={2} decision={3}",
        subscriber, jobId, owner == null ? "-" : owner, allowed ? "allow" : "deny");
  }
}
