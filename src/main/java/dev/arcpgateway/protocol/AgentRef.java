package dev.arcpgateway.protocol;


/**
 * An agent reference from {@code job.submit.payload.agent}: {@code name} or {@code name@version} (§7.5).
 *
 * @param name    the agent name, {@code [a-z0-9][a-z0-9._-]*}
 * @param version the requested version, or null for "the default"
 */
public record AgentRef(String name, String version) {

  public AgentRef {
    if (!isName(name)) {
      throw ArcpException.invalid("agent name must match [a-z0-9][a-z0-9._-]*, got " + describe(name));
    }
    if (version != null && !isVersion(version)) {
      throw ArcpException.invalid("agent version must match [a-zA-Z0-9.+_-]+, got " + describe(version));
    }
  }

  /** {@code [a-z0-9][a-z0-9._-]*}, checked by hand: every submit and dispatch names an agent. */
  private static boolean isName(String name) {
    if (name == null || name.isEmpty() || !lowerOrDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!lowerOrDigit(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code [a-zA-Z0-9.+_-]+}. */
  private static boolean isVersion(String version) {
    if (version.isEmpty()) {
      return false;
    }
    for (int i = 0; i < version.length(); i++) {
      char c = version.charAt(i);
      if (!lowerOrDigit(c) && !(c >= 'A' && c <= 'Z') && c != '.' && c != '+' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean lowerOrDigit(char c) {
    return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
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
