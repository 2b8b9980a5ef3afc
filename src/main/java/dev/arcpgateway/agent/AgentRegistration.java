package dev.arcpgateway.agent;

import dev.arcpgateway.protocol.AgentRef;
import java.util.Objects;

/**
 * A Java agent offered under {@code name@version}.
 *
 * @param name          agent name ({@code [a-z0-9][a-z0-9._-]*})
 * @param version       version string ({@code [a-zA-Z0-9.+_-]+})
 * @param isDefault     whether a bare {@code name} resolves to this version
 * @param maxConcurrent jobs this agent runs at once; further dispatches wait in its {@link DispatchQueue} (0:
 *                      unlimited)
 * @param agent         the implementation
 */
public record AgentRegistration(String name, String version, boolean isDefault, int maxConcurrent, Agent agent) {

  public AgentRegistration {
    new AgentRef(name, Objects.requireNonNull(version, "version")); // validates both against §7.5
    Objects.requireNonNull(agent, "agent");
    if (maxConcurrent < 0) {
      throw new IllegalArgumentException("maxConcurrent must not be negative");
    }
  }

  public static AgentRegistration of(String name, String version, Agent agent) {
    return new AgentRegistration(name, version, false, 0, agent);
  }

  public AgentRegistration asDefault() {
    return new AgentRegistration(name, version, true, maxConcurrent, agent);
  }

  public AgentRef ref() {
    return new AgentRef(name, version);
  }
}
