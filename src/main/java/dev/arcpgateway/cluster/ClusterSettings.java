package dev.arcpgateway.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cluster} section of the settings: {@code {"enabled": true, "name": "arcp", "host": "127.0.0.1",
 * "port": 5701, "members": ["HOST:PORT", ...], "config_file": "conf/cluster.xml"}}.
 *
 * <p>With nothing but {@code enabled}, Hazelcast binds to 127.0.0.1 from port 5701 (the next free of ten) and
 * joins over TCP-IP the members 127.0.0.1:5701 to 127.0.0.1:5710, with no multicast: several nodes on one host
 * find each other without a network. A {@code config_file} (Hazelcast XML) replaces all of that.
 *
 * @param enabled    whether {@code serve} joins a cluster
 * @param name       the Hazelcast cluster name; only nodes with the same name join each other
 * @param host       the address Hazelcast and the clustered event bus bind to and advertise (given as a host
 *                   name, the address it resolves to)
 * @param port       Hazelcast's first port; the next {@value #PORT_COUNT} are tried when it is taken
 * @param members    where the other nodes' Hazelcast ports are ({@code HOST:PORT})
 * @param configFile a Hazelcast XML file used instead of the settings above, or null
 */
public record ClusterSettings(boolean enabled, String name, String host, int port, List<String> members,
                              String configFile) {

  public static final String DEFAULT_NAME = "arcp";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  /** How many ports from {@code port} a node may take, and so how many default members there are. */
  public static final int PORT_COUNT = 10;

  public ClusterSettings {
    members = List.copyOf(members);
  }

  /** Reads and checks the section; a setting that cannot work is an {@link IllegalArgumentException} naming it. */
  public static ClusterSettings fromJson(JsonObject json) {
    boolean enabled = json.getBoolean("enabled", false);
    String host = enabled ? address(json.getString("host", DEFAULT_HOST)) : json.getString("host", DEFAULT_HOST);
    int port = json.getInteger("port", DEFAULT_PORT);
    if (port < 1 || port > 65535 - PORT_COUNT) {
      throw new IllegalArgumentException("cluster.port must be between 1 and " + (65535 - PORT_COUNT) + ", got "
          + port);
    }
    JsonArray listed = json.getJsonArray("members");
    List<String> members = new ArrayList<>();
    if (listed == null) {
      for (int i = 0; i < PORT_COUNT; i++) {
        members.add(host + ":" + (port + i));
      }
    } else {
      listed.forEach(member -> members.add(member(String.valueOf(member))));
    }
    return new ClusterSettings(enabled, json.getString("name", DEFAULT_NAME), host, port,
        members, json.getString("config_file"));
  }

  /**
   * The address a host name stands for: Hazelcast picks its interface by address, and in a container the name
   * ({@code --hostname}) is what one knows before the container runs. An address stays as it is.
   */
  private static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException unknown) {
      throw new IllegalArgumentException("cluster.host " + host + " does not resolve to an address");
    }
  }

  private static String member(String member) {
    int colon = member.lastIndexOf(':');
    try {
      int port = Integer.parseInt(member.substring(colon + 1));
      if (colon > 0 && port > 0 && port < 65536) {
        return member;
      }
    } catch (NumberFormatException | IndexOutOfBoundsException notAPort) {
      // refused below
    }
    throw new IllegalArgumentException("cluster.members entries are HOST:PORT, got \"" + member + "\"");
  }

  /**
   * Refuses a cluster whose nodes would not share their state: every node must keep it in one PostgreSQL store,
   * and sign delegation tokens with one configured key (a node that generated its own would reject the others'
   * tokens).
   *
   * @param memoryStore whether this node keeps its state in memory
   * @param lease       the {@code lease} settings
   */
  public static void requireSharedState(boolean memoryStore, JsonObject lease) {
    if (memoryStore) {
      throw new IllegalArgumentException("a cluster needs --store pg: its nodes share one PostgreSQL store");
    }
    JsonObject delegation = lease.getJsonObject("delegation", new JsonObject());
    if (delegation.getString("private_key_file") == null && delegation.getString("secret") == null) {
      throw new IllegalArgumentException("a cluster needs one delegation signing key on every node: set"
          + " lease.delegation.private_key_file and lease.delegation.public_key_file (ES256), or"
          + " lease.delegation.algorithm HS256 with lease.delegation.secret");
    }
  }

  /** As {@link #requireSharedState(boolean, JsonObject)} when this section enables clustering. */
  public void requireSharedState(JsonObject store, JsonObject lease) {
    if (enabled) {
      requireSharedState(!"pg".equals(store.getString("type")), lease);
    }
  }
}
