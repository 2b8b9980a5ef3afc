package dev.arcpgateway.bus;

/**
 * Every event-bus address the gateway uses. Shared addresses are consumed by all instances of a verticle
 * (point-to-point round robin); per-session, per-connection and per-job addresses belong to the one instance
 * that owns that session, connection or job. docs/architecture.md lists the same table.
 */
public final class Addresses {

  private Addresses() {
  }

  /** Transport → any session instance: the first frame of a new connection. */
  public static final String SESSION_CONNECT = "arcp.session.connect";

  /** Everything addressed to one live session: client frames, job traffic, transport state. */
  public static String session(String sessionId) {
    return "arcp.session." + sessionId;
  }

  /** Session → transport: frames to write and close orders for one connection. */
  public static String connection(String connectionId) {
    return "arcp.conn." + connectionId;
  }

  /** Session → any job-runner instance: submit a job. */
  public static final String JOB_SUBMIT = "arcp.job.submit";

  /** Everything addressed to one job, handled by the job-runner instance that owns it. */
  public static String job(String jobId) {
    return "arcp.job." + jobId;
  }

  /** Job runner → agent host: dispatch a job to {@code name@version}. */
  public static String agent(String name, String version) {
    return "arcp.agent." + name + "@" + version;
  }

  /** Job runner → the agent running one job: cancellation and other job-scoped orders. */
  public static String agentJob(String jobId) {
    return "arcp.agent.job." + jobId;
  }

  /** Agent hosts → registry: announce and withdraw agents. */
  public static final String AGENT_REGISTRY = "arcp.agents.registry";

  /** Registry → everyone (publish): the current agent inventory after every change. */
  public static final String AGENT_INVENTORY = "arcp.agents.inventory";

  /** Agents and job runner → lease verticle: may this job do this? */
  public static final String LEASE = "arcp.lease";

  /**
   * Published job lifecycle moments for embedding applications: {@code queued}, {@code started},
   * {@code heartbeat}, {@code completed}, {@code failed}, {@code cancelled}.
   */
  public static final String LIFECYCLE = "arcp.lifecycle";

  /**
   * The gateway → job runners and sessions (publish), while it drains: {@code {op: "end_jobs"}} ends the jobs
   * still running, {@code {op: "close_sessions"}} has every session send {@code session.closed} and close its
   * socket with 1001.
   */
  public static final String DRAIN = "arcp.drain";
}
