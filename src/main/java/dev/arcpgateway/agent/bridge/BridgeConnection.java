package dev.arcpgateway.agent.bridge;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the gateway knows of one agent process connected through the bridge: who it authenticated as, which
 * agents it may announce, its inbox (the only address it may receive on), what it announced, and the jobs
 * dispatched to it with their tokens (the only job addresses it may send to).
 */
final class BridgeConnection {

  final String id;
  /** Where the agent connected from (the guard's relay knows; the bridge sees only the relay). */
  final String remoteAddress;
  /** Completes with the identity once the first frame's credentials were checked; fails if they were not good. */
  Future<AgentIdentity> identity;
  String inbox;
  /** Announced {@code name@version} → max concurrent jobs (0: unlimited). */
  final Map<String, Integer> announced = new HashMap<>();
  /** Running jobs → their job tokens. */
  final Map<String, String> jobs = new HashMap<>();
  /** Running jobs whose job runner is on another node → that node. */
  final Map<String, String> owners = new HashMap<>();
  boolean closed;
  /** Registered for {@code arcp.lifecycle} (a token granted {@code observe_lifecycle}). */
  boolean observingLifecycle;

  BridgeConnection(String id, String remoteAddress) {
    this.id = id;
    this.remoteAddress = remoteAddress;
  }

  /**
   * Who an agent process is.
   *
   * @param name   the identity its credential names
   * @param agents the agent names it may announce ({@code *}: any name no other owner serves)
   * @param owner  who its agent names belong to in the registry: one per static token, one per JWT subject
   */
  record AgentIdentity(String name, Set<String> agents, String owner, boolean observesLifecycle) {
    boolean allows(String agent) {
      return agents.contains(BridgeSettings.ANY_NAME) || agents.contains(agent);
    }
  }
}
