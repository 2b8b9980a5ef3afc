package dev.arcpgateway.agent.bridge;

import dev.arcpgateway.protocol.AgentRef;
import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent bridge's settings ({@code bridge} in the gateway options).
 *
 * @param enabled        whether agent processes may connect at all
 * @param host           listen address (loopback by default)
 * @param port           listen port (0: any free port)
 * @param maxFrameBytes  largest frame an agent may send; a larger one closes its connection
 * @param framesPerSec   sustained frames per second per connection before it counts as a flood
 * @param burstFrames    frames a connection may send in a burst above the rate
 * @param tokens         static agent tokens, the agent names each may announce ({@code *} for any) and whether it
 *                       may observe {@code arcp.lifecycle}
 * @param jwt            JWT settings for agent tokens (as for sessions), or an empty object
 */
public record BridgeSettings(boolean enabled, String host, int port, int maxFrameBytes, int framesPerSec,
                             int burstFrames, List<AgentToken> tokens, JsonObject jwt) {

  /** The agent-name list that grants every name no one else serves; it must be spelled out. */
  public static final String ANY_NAME = "*";

  /**
   * One static agent token, the agent names it may announce and whether it may register for the gateway-wide
   * lifecycle notes on {@code arcp.lifecycle} ({@code observe_lifecycle}; they name every principal's jobs, so
   * the grant is explicit). An observer-only token may list no agent names.
   */
  public record AgentToken(String token, String identity, List<String> agents, boolean observeLifecycle) {
    public boolean grantsAnyName() {
      return agents.contains(ANY_NAME);
    }
  }

  /** Whether some agent token may observe the lifecycle notes, so that the job runner must publish them. */
  public boolean observesLifecycle() {
    return enabled && tokens.stream().anyMatch(AgentToken::observeLifecycle);
  }

  public static BridgeSettings fromJson(JsonObject json) {
    List<AgentToken> tokens = new ArrayList<>();
    for (Object item : json.getJsonArray("tokens", new JsonArray())) {
      JsonObject token = (JsonObject) item;
      String secret = token.getString("token");
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("bridge.tokens entries need a token");
      }
      String identity = token.getString("name", "agent");
      boolean observer = token.getBoolean("observe_lifecycle", false);
      JsonArray agents = token.getJsonArray("agents");
      List<String> names = observer && (agents == null || agents.isEmpty()) ? List.of() : agentNames(identity, agents);
      tokens.add(new AgentToken(secret, identity, names, observer));
    }
    return new BridgeSettings(json.getBoolean("enabled", !tokens.isEmpty() || json.containsKey("jwt")),
        json.getString("host", "127.0.0.1"), json.getInteger("port", 7070),
        json.getInteger("max_frame_bytes", 1 << 20), json.getInteger("frames_per_sec", 100_000),
        json.getInteger("burst_frames", 200_000), tokens, json.getJsonObject("jwt", new JsonObject()));
  }

  /**
   * A {@code bridge.tokens} entry from the command line's {@code TOKEN:agent1,agent2} or {@code TOKEN:*}. A token
   * alone is refused: what it may announce must be said.
   */
  public static JsonObject tokenFromSpec(String spec) {
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--agent-token needs the agent names it may announce: TOKEN:agent1,agent2"
          + " (or TOKEN:* for any name no other agent serves)");
    }
    JsonArray names = new JsonArray();
    for (String name : spec.substring(colon + 1).split(",", -1)) {
      names.add(name.trim());
    }
    agentNames("agent", names); // refuses what fromJson would refuse, naming the option
    return new JsonObject().put("token", spec.substring(0, colon)).put("agents", names);
  }

  /** The names of one token's {@code agents}: a non-empty list of agent names, or {@code ["*"]}. */
  private static List<String> agentNames(String identity, JsonArray agents) {
    if (agents == null || agents.isEmpty()) {
      throw new IllegalArgumentException("agent token '" + identity + "' needs \"agents\": the names it may announce,"
          + " or [\"*\"] for any name no other agent serves (or \"observe_lifecycle\": true for an observer)");
    }
    List<String> names = new ArrayList<>();
    for (Object agent : agents) {
      if (!(agent instanceof String name)) {
        throw new IllegalArgumentException("agent token '" + identity + "': agent names are strings, got " + agent);
      }
      if (!ANY_NAME.equals(name)) {
        try {
          new AgentRef(name, null);
        } catch (ArcpException e) {
          throw new IllegalArgumentException("agent token '" + identity + "': " + e.getMessage());
        }
      }
      names.add(name);
    }
    return List.copyOf(names);
  }
}
