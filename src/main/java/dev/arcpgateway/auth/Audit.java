package dev.arcpgateway.auth;

/**
 * The audit trail (§14): one line per cross-session decision and per refused login, on the
 * {@code dev.arcpgateway.audit} logger so that deployments can route it apart from operational logs.
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

  /** A refused {@code session.hello} or {@code session.resume}: from where, the code and why (never the token). */
  public static void loginRefused(String remote, String code, String reason) {
    LOG.log(System.Logger.Level.INFO, "login refused remote={0} code={1} reason={2}", printable(remote), code,
        printable(reason));
  }

  /** From now on, logins from {@code remote} are slowed down (see {@code LoginThrottle}). */
  public static void loginThrottled(String remote) {
    LOG.log(System.Logger.Level.INFO, "login throttled remote={0}: repeated failures, further attempts are delayed",
        printable(remote));
  }

  /** Client-supplied text made safe for one log line: no control characters, bounded length. */
  private static String printable(String text) {
    String line = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
