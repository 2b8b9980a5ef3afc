package dev.arcpgateway.job;

import java.util.Set;

/**
 * The operations an agent may send to its job's address (docs/agent-protocol.md §4), which {@link AgentMessages}
 * handles. Everything else a job address accepts is the gateway's own traffic (sessions subscribing or
 * cancelling, the lease verticle, parent jobs), so the agent bridge lets agents send exactly these.
 */
public final class AgentOps {

  public static final Set<String> ALL = Set.of("event", "events", "result", "fail", "heartbeat", "authorize",
      "delegate");

  private AgentOps() {
  }

  /** Whether {@code op} (any JSON value) names an agent operation. */
  public static boolean accepts(Object op) {
    return op instanceof String name && ALL.contains(name);
  }

  /** Whether {@code op} is an agent's last word on its job: its result or its failure always ends a live job. */
  public static boolean ends(Object op) {
    return "result".equals(op) || "fail".equals(op);
  }
}
