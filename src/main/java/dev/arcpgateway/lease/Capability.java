package dev.arcpgateway.lease;

import java.util.List;

/** The lease namespaces of §9.2, and the rule for vendor namespaces. */
public final class Capability {

  public static final String FS_READ = "fs.read";
  public static final String FS_WRITE = "fs.write";
  public static final String NET_FETCH = "net.fetch";
  public static final String TOOL_CALL = "tool.call";
  public static final String AGENT_DELEGATE = "agent.delegate";
  public static final String COST_BUDGET = "cost.budget";
  public static final String MODEL_USE = "model.use";

  public static final List<String> RESERVED =
      List.of(FS_READ, FS_WRITE, NET_FETCH, TOOL_CALL, AGENT_DELEGATE, COST_BUDGET, MODEL_USE);

  private Capability() {
  }

  /** True for the reserved namespaces and for {@code x-vendor.<something>}. */
  public static boolean isKnown(String namespace) {
    return RESERVED.contains(namespace) || isVendor(namespace);
  }

  public static boolean isVendor(String namespace) {
    return namespace != null && namespace.startsWith("x-vendor.") && namespace.length() > "x-vendor.".length();
  }

  /** How patterns of a namespace match resources. */
  public static GlobKind kindOf(String namespace) {
    return switch (namespace) {
      case FS_READ, FS_WRITE -> GlobKind.PATH;
      case NET_FETCH -> GlobKind.URL;
      case COST_BUDGET -> GlobKind.AMOUNT;
      default -> GlobKind.NAME;
    };
  }

  /** Pattern families. */
  public enum GlobKind { PATH, URL, NAME, AMOUNT }
}
