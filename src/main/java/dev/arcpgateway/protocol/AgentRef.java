package dev.arcpgateway.protocol;

import java.util.regex.Pattern;

/**
 * An agent reference from {@code job.submit.payload.agent}: {@code name} or {@code name@version} (§7.5).
 *
 * @param name    the agent name, {@code [a-z0-9][a-z0-9._-]*}
 * @param version the requested version, or null for "the default"
 */
public record AgentRef(String name, String version) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final Pattern VERSION = Pattern.compile("[a-zA-Z0-9.+_-]+");

  public AgentRef {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ArcpException.invalid("agent name must match [a-z0-9][a-z0-9._-]*, got " + describe(name));
    }
    if (version != null && !VERSION.matcher(version).matches()) {
      throw ArcpException.invalid("agent version must match [a-zA-Z0-9.+_-]+, got " + describe(version));
    }
  }

  /** Parses {@code name} or {@code name@version}; a malformed reference is an INVALID_REQUEST. */
  public static AgentRef parse(String ref) {
    if (ref == null || ref.isEmpty()) {
      throw ArcpException.invalid("agent is required");
    }
    int at = ref.indexOf('@');
    if (at < 0) {
      return new AgentRef(ref, null);
    }
    return new AgentRef(ref.substring(0, at), ref.substring(at + 1));
  }

  public static AgentRef of(String name, String version) {
    return new AgentRef(name, version);
  }

  public boolean pinned() {
    return version != null;
  }

  /** {@code name@version}, or the bare name when no version is set. */
  @Override
  public String toString() {
    return version == null ? name : name + "@" + version;
  }

  private static String describe(String value) {
    return value == null ? "nothing" : '"' + value + '"';
  }
}
