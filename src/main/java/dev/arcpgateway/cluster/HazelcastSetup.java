package dev.arcpgateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;

/** Builds the Hazelcast cluster manager and the clustered event bus's options from {@link ClusterSettings}. */
public final class HazelcastSetup {

  private HazelcastSetup() {
  }

  /** A cluster manager for the settings: the {@code config_file} as it is, or a TCP-IP config without multicast. */
  public static HazelcastClusterManager clusterManager(ClusterSettings settings) {
    return new HazelcastClusterManager(config(settings));
  }

  /** The event bus of a node listens on {@code host} (a free port) and tells the other nodes that address. */
  public static VertxOptions eventBusOn(VertxOptions options, ClusterSettings settings) {
    return options.setEventBusOptions(new EventBusOptions(options.getEventBusOptions())
        .setHost(settings.host()).setPort(0).setClusterPublicHost(settings.host()));
  }

  static Config config(ClusterSettings settings) {
    if (settings.configFile() != null) {
      try {
        return new FileSystemXmlConfig(settings.configFile());
      } catch (FileNotFoundException | RuntimeException unreadable) {
        throw new IllegalArgumentException("cluster.config_file " + settings.configFile() + " cannot be read as"
            + " Hazelcast XML: " + unreadable.getMessage());
      }
    }
    Config config = ConfigUtil.loadConfig(); // keeps the maps Vert.x needs (__vertx.subs, __vertx.nodeInfo …)
    config.setClusterName(settings.name());
    config.setProperty("hazelcast.phone.home.enabled", "false"); // no outbound call home
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster itself
    config.setProperty("hazelcast.socket.bind.any", "false"); // only the interface below
    config.setProperty("hazelcast.wait.seconds.before.join", "0"); // 5 s per joining node otherwise
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.tcp.join.port.try.count", "1");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(true).setPortCount(ClusterSettings.PORT_COUNT);
    network.getInterfaces().setEnabled(true).addInterface(settings.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false); // no cloud or Kubernetes discovery
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(settings.members());
    return config;
  }
}
