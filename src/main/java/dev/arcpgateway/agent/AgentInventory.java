package dev.arcpgateway.agent;

import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the agents the gateway can run right now: what {@code session.welcome} advertises and
 * what {@code job.submit} resolves against (§7.5). The registry publishes a new snapshot after every change;
 * sessions and job runners keep the latest.
 */
public final class AgentInventory {

  public static final AgentInventory EMPTY = new AgentInventory(Map.of());

  private final Map<String, Entry> byName;
  private final JsonArray wire;

  /** The vendor key of an entry that says how the agent is connected (§15: clients ignore what they do not know). */
  public static final String CONNECTION = "x-vendor.arcpgateway.connection";

  /**
   * One agent name.
   *
   * @param name           the name
   * @param versions       registered versions, ascending
   * @param defaultVersion what a bare name resolves to
   * @param connection     how it is connected, {@code {"kind": "java"|"bridged", "providers": N}}, or null
   */
  public record Entry(String name, List<String> versions, String defaultVersion, JsonObject connection) {
    public Entry {
      versions = List.copyOf(versions);
      connection = connection == null ? null : connection.copy();
    }

    /** An entry that does not say how the agent is connected. */
    public Entry(String name, List<String> versions, String defaultVersion) {
      this(name, versions, defaultVersion, null);
    }
  }

  private AgentInventory(Map<String, Entry> byName) {
    this.byName = byName;
    JsonArray agents = new JsonArray();
    byName.values().forEach(e -> {
      JsonObject agent = new JsonObject()
          .put("name", e.name()).put("versions", new JsonArray(new ArrayList<>(e.versions())))
          .put("default", e.defaultVersion());
      if (e.connection() != null) {
        agent.put(CONNECTION, e.connection().copy());
      }
      agents.add(agent);
    });
    this.wire = agents;
  }

  public static AgentInventory of(List<Entry> entries) {
    Map<String, Entry> byName = new LinkedHashMap<>();
    entries.stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(e -> byName.put(e.name(), e));
    return new AgentInventory(Collections.unmodifiableMap(byName));
  }

  /** Reads the JSON form ({@code [{name, versions, default, x-vendor.arcpgateway.connection?}]}). */
  public static AgentInventory fromJson(JsonArray agents) {
    List<Entry> entries = new ArrayList<>();
    for (Object item : agents) {
      JsonObject agent = (JsonObject) item;
      List<String> versions = new ArrayList<>();
      agent.getJsonArray("versions").forEach(v -> versions.add((String) v));
      entries.add(new Entry(agent.getString("name"), versions, agent.getString("default"),
          agent.getJsonObject(CONNECTION)));
    }
    return of(entries);
  }

  /**
   * The rich inventory of {@code session.welcome.payload.capabilities.agents}; a shared instance, do not
   * modify it.
   */
  public JsonArray toJson() {
    return wire;
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  public Entry entry(String name) {
    return byName.get(name);
  }

  /**
   * Resolves a submitted reference to the exact {@code name@version} that will run: a bare name goes to the
   * default version. Unknown names are AGENT_NOT_AVAILABLE, unknown versions AGENT_VERSION_NOT_AVAILABLE.
   */
  public AgentRef resolve(AgentRef ref) {
    Entry entry = byName.get(ref.name());
    if (entry == null) {
      throw new ArcpException(ErrorCode.AGENT_NOT_AVAILABLE, "agent " + ref.name() + " is not registered");
    }
    if (!ref.pinned()) {
      return new AgentRef(ref.name(), entry.defaultVersion());
    }
    if (!entry.versions().contains(ref.version())) {
      throw new ArcpException(ErrorCode.AGENT_VERSION_NOT_AVAILABLE,
          "agent " + ref.name() + " has no version " + ref.version() + "; available: " + entry.versions(),
          new JsonObject().put("available_versions", new JsonArray(new ArrayList<>(entry.versions()))));
    }
    return ref;
  }
}
