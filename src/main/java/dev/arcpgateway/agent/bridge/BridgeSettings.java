package dev.arcpgateway.agent.bridge;

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
 * @param tokens         static agent tokens and the agent names each may announce ({@code *} for any)
 * @param jwt            JWT settings for agent tokens (as for sessions), or an empty object
 */
public record BridgeSettings(boolean enabled, String host, int port, int maxFrameBytes, int framesPerSec,
                             int burstFrames, List<AgentToken> tokens, JsonObject jwt) {

  /** One static agent token and the agent names it may announce. */
  public record AgentToken(String token, String identity, List<String> agents) {
  }

  public static BridgeSettings fromJson(JsonObject json) {
    List<AgentToken> tokens = new ArrayList<>();
    for (Object item : json.getJsonArray("tokens", new JsonArray())) {
      JsonObject token = (JsonObject) item;
      List<String> agents = new ArrayList<>();
      token.getJsonArray("agents", new JsonArray().add("*")).forEach(a -> agents.add(String.valueOf(a)));
      String secret = token.getString("token");
      if (secret == null || secret.isEmpty()) {
        throw new IllegalArgumentException("bridge.tokens entries need a token");
      }
      tokens.add(new AgentToken(secret, token.getString("name", "agent"), agents));
    }
    return new BridgeSettings(json.getBoolean("enabled", !tokens.isEmpty() || json.containsKey("jwt")),
        json.getString("host", "127.0.0.1"), json.getInteger("port", 7070),
        json.getInteger("max_frame_bytes", 1 << 20), json.getInteger("frames_per_sec", 100_000),
        json.getInteger("burst_frames", 200_000), tokens, json.getJsonObject("jwt", new JsonObject()));
  }
}
