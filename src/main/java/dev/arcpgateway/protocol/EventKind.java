package dev.arcpgateway.protocol;

import java.util.HashMap;
import java.util.Map;

/** The ten {@code job.event} kinds of §8.2. Vendor kinds ({@code x-vendor.*}) are not in this enum. */
public enum EventKind {
  LOG("log"),
  THOUGHT("thought"),
  TOOL_CALL("tool_call"),
  TOOL_RESULT("tool_result"),
  STATUS("status"),
  METRIC("metric"),
  ARTIFACT_REF("artifact_ref"),
  DELEGATE("delegate"),
  PROGRESS("progress"),
  RESULT_CHUNK("result_chunk");

  private static final Map<String, EventKind> BY_WIRE = new HashMap<>();

  static {
    for (EventKind kind : values()) {
      BY_WIRE.put(kind.wire, kind);
    }
  }

  private final String wire;

  EventKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The kind for a wire name, or null (vendor or unknown kinds). */
  public static EventKind fromWire(String wire) {
    return wire == null ? null : BY_WIRE.get(wire);
  }

  /** Vendor kinds as the TypeScript SDK accepts them: {@code x-vendor.} followed by {@code [a-z0-9_.-]+}. */
  public static boolean isVendorKind(String wire) {
    if (wire == null || !wire.startsWith("x-vendor.") || wire.length() == "x-vendor.".length()) {
      return false;
    }
    for (int i = "x-vendor.".length(); i < wire.length(); i++) {
      char c = wire.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
