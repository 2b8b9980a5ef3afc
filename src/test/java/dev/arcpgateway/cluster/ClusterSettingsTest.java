package dev.arcpgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Issue 11: what {@code serve --cluster} joins with no other setting, and the shipped example config. */
class ClusterSettingsTest {

  private static void assertLoopbackTcpIp(Config config) {
    NetworkConfig network = config.getNetworkConfig();
    assertFalse(network.getJoin().getMulticastConfig().isEnabled(), "no multicast");
    assertFalse(network.getJoin().getAutoDetectionConfig().isEnabled(), "no cloud discovery");
    assertTrue(network.getJoin().getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1"), List.copyOf(network.getInterfaces().getInterfaces()));
    assertTrue(network.getInterfaces().isEnabled());
    assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
    assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
    assertEquals(5701, network.getPort());
    assertEquals(10, network.getPortCount());
    assertEquals(IntStream.rangeClosed(5701, 5710).mapToObj(port -> "127.0.0.1:" + port).toList(),
        network.getJoin().getTcpIpConfig().getMembers());
  }

  @Test
  void byDefaultANodeBindsTo127001AndJoinsPorts5701To5710OverTcpIp() {
    ClusterSettings settings = ClusterSettings.fromJson(new JsonObject().put("enabled", true));
    assertLoopbackTcpIp(HazelcastSetup.config(settings));
    assertEquals("arcp", HazelcastSetup.config(settings).getClusterName());
  }

  @Test
  void aHostNameStandsForItsAddressAsAContainersHostnameWould() {
    ClusterSettings settings = ClusterSettings.fromJson(new JsonObject().put("enabled", true).put("host", "localhost"));
    assertEquals("127.0.0.1", settings.host());
    IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ClusterSettings.fromJson(new JsonObject().put("enabled", true).put("host", "no-such-host.invalid")));
    assertTrue(refused.getMessage().contains("cluster.host no-such-host.invalid"), refused.getMessage());
  }

  @Test
  void theShippedExampleSaysTheSame() {
    Config shipped = HazelcastSetup.config(ClusterSettings.fromJson(new JsonObject()
        .put("config_file", "conf/cluster.xml")));
    assertLoopbackTcpIp(shipped);
    assertEquals("arcp", shipped.getClusterName());
    assertTrue(shipped.getMultiMapConfigs().containsKey("__vertx.subs"), "the map Vert.x routes by");
  }

  @Test
  void anUnreadableConfigFileIsOneClearRefusal() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> HazelcastSetup.config(
        ClusterSettings.fromJson(new JsonObject().put("config_file", "conf/no-such.xml"))));
    assertTrue(refused.getMessage().startsWith("cluster.config_file conf/no-such.xml cannot be read"),
        refused.getMessage());
  }
}
