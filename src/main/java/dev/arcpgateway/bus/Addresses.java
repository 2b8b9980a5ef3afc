package dev.arcpgateway.bus;

/**
 * Every event-bus address the gateway uses. Shared addresses are consumed by all instances of a verticle
 * (point-to-point round robin); per-session, per-connection and per-job addresses belong to the one instance
 * that owns that session, connection or job. docs/architecture.md lists the same table.
 *
 * <p>A <i>lane</i> is one event loop's share of the gateway ({@code lane/LaneVerticle}): a transport, session,
 * job-runner and lease verticle and the in-process agents, all on one thread. The lane addresses ({@code …@N})
 * keep a connection's session, the jobs it submits, their leases and their agents on that thread; they are
 * node-local.
 *
 * <p>In a cluster, the fixed names marked <i>node-local</i> are registered with {@code localConsumer}: each node
 * has its own, and a send reaches the sender's node only (senders use {@link Bus#LOCAL}). Everything else is
 * reachable from every node: ids are unique across the cluster, and agents may run on any node.
 */
public final class Addresses {

  private Addresses() {
  }

  /** Transport → the session verticle of its lane (node-local): the first frame of a new connection. */
  public static String sessionConnect(int lane) {
    return "arcp.session.connect@" + lane;
  }

  /** Everything addressed to one live session: client frames, job traffic, transport state. */
  public static String session(String sessionId) {
    return "arcp.session." + sessionId;
  }

  /** Session → transport: frames to write and close orders for one connection. */
  public static String connection(String connectionId) {
    return "arcp.conn." + connectionId;
  }

  /** Session (or a delegating job) → the job runner of its lane (node-local): submit a job. */
  public static String jobSubmit(int lane) {
    return "arcp.job.submit@" + lane;
  }

  /**
   * Everything addressed to one job, handled by the job-runner instance that owns it (node-local: from another
   * node through {@link #node}).
   */
  public static String job(String jobId) {
    return "arcp.job." + jobId;
  }

  /** Job runner → agent host or bridge, on any node: dispatch a job to {@code name@version}. */
  public static String agent(String name, String version) {
    return "arcp.agent." + name + "@" + version;
  }

  /**
   * Job runner → the host of {@code name@version} in its own lane (node-local), for in-process agents that run
   * in every lane ({@code agent/AgentHostVerticle}).
   */
  public static String agent(String name, String version, int lane) {
    return agent(name, version) + "@" + lane;
  }

  /**
   * Job runner → the agent running one job: cancellation and other job-scoped orders (node-local: from another
   * node through {@link #node}).
   */
  public static String agentJob(String jobId) {
    return "arcp.agent.job." + jobId;
  }

  /**
   * Any node → node {@code nodeId}'s mailbox: a message for one of that node's node-local job addresses, named in
   * a header, delivered there with its answer carried back ({@code cluster/NodeRoutes}). One clustered consumer
   * per node instead of one per job: a job's addresses cost the cluster manager nothing.
   */
  public static String node(String nodeId) {
    return "arcp.node." + nodeId;
  }

  /** Agent hosts and the bridge → their node's registry (node-local): announce and withdraw agents. */
  public static final String AGENT_REGISTRY = "arcp.agents.registry";

  /** Registry → its node (publish, node-local): the cluster's agent inventory after every change. */
  public static final String AGENT_INVENTORY = "arcp.agents.inventory";

  /**
   * Registry → the registry of node {@code nodeId}: the agents this node offers (a request answered with the
   * agents that node offers), so that every node's inventory is the union of the cluster's.
   */
  public static String agentOffers(String nodeId) {
    return "arcp.agents.offers." + nodeId;
  }

  /**
   * Any lease verticle of this node (node-local), for what needs no job's lease: mint and verify delegation
   * tokens.
   */
  public static final String LEASE = "arcp.lease";

  /**
   * Job runner → the lease verticle of lane {@code lane} (node-local): grant, may this job do this, charge,
   * release. A job's lease lives in the lane that granted it: its runner's, or its parent job's lease lane.
   */
  public static String lease(int lane) {
    return LEASE + "@" + lane;
  }

  /**
   * Published job lifecycle moments for embedding applications: {@code queued}, {@code started},
   * {@code heartbeat}, {@code completed}, {@code failed}, {@code cancelled}.
   */
  public static final String LIFECYCLE = "arcp.lifecycle";

  /**
   * The gateway → its node's job runners and sessions (publish, node-local), while it drains: {@code {op: "end_jobs"}} ends the jobs
   * still running, {@code {op: "close_sessions"}} has every session send {@code session.closed} and close its
   * socket with 1001.
   */
  public static final String DRAIN = "arcp.drain";
}
