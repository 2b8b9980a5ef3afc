package dev.arcpgateway.testing;

import dev.arcpgateway.agent.AgentRegistration;
import dev.arcpgateway.cluster.ClusterSettings;
import dev.arcpgateway.cluster.HazelcastSetup;
import dev.arcpgateway.config.GatewayOptions;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Gateway nodes of one cluster in this JVM: each a clustered Vert.x (Hazelcast on 127.0.0.1 only, TCP-IP join,
 * a cluster name of its own) with a full {@link TestGateway} on its own port, all sharing one fresh embedded
 * PostgreSQL database and one delegation key. Start it from a test thread; nodes start one after the other.
 */
public final class ClusterNodes implements AutoCloseable {

  private final String name = "arcp-test-" + UUID.randomUUID();
  private final String database = EmbeddedPg.freshDatabase();
  private final List<Integer> ports = new ArrayList<>();
  private final List<TestGateway> nodes = new ArrayList<>();
  private final List<TestGateway> lost = new ArrayList<>();

  /** @param size how many nodes may join (each gets a Hazelcast port, all are listed as members) */
  public ClusterNodes(int size) {
    for (int i = 0; i < size; i++) {
      ports.add(freePort());
    }
  }

  /** Starts the next node with the demo agents plus {@code extraAgents}. */
  public TestGateway start(List<AgentRegistration> extraAgents) {
    return start(extraAgents, options -> { });
  }

  /** As {@link #start(List)}, after {@code tune} adjusted the node's options (its bridge …). */
  public TestGateway start(List<AgentRegistration> extraAgents, Consumer<GatewayOptions> tune) {
    int index = nodes.size();
    JsonArray members = new JsonArray();
    ports.forEach(port -> members.add("127.0.0.1:" + port));
    ClusterSettings settings = ClusterSettings.fromJson(new JsonObject().put("enabled", true).put("name", name)
        .put("host", "127.0.0.1").put("port", ports.get(index)).put("members", members));
    Vertx vertx;
    try {
      vertx = Vertx.builder().with(HazelcastSetup.eventBusOn(new VertxOptions(), settings))
          .withClusterManager(HazelcastSetup.clusterManager(settings)).buildClustered().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node " + index + " did not join", e);
    }
    Consumer<GatewayOptions> shared = options -> options
        .setStore(new JsonObject().put("type", "pg").put("uri", database).put("pool_size", 4))
        .setLease(new JsonObject().put("delegation", new JsonObject().put("algorithm", "HS256")
            .put("secret", "cluster-test-delegation-secret-of-32-bytes!")));
    TestGateway node = TestGateway.start(vertx, shared.andThen(tune), extraAgents);
    nodes.add(node);
    return node;
  }

  /** Stops node {@code node}: its gateway, then its Vert.x, which leaves the cluster. */
  public void stop(TestGateway node) {
    node.close();
    try {
      node.vertx().close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    nodes.remove(node);
  }

  /**
   * Node {@code node} drops out of the cluster as if its process died: its Hazelcast member is terminated at once,
   * so the others see it leave without a goodbye, while its gateway (cut off) stays deployed until it is closed
   * with its Vert.x here, best effort.
   */
  public void lose(TestGateway node) {
    ((HazelcastClusterManager) ((VertxInternal) node.vertx()).clusterManager()).getHazelcastInstance()
        .getLifecycleService().terminate();
    nodes.remove(node);
    lost.add(node);
  }

  @Override
  public void close() {
    for (TestGateway node : lost) {
      node.close();
      node.vertx().close(); // its cluster manager is gone: closing may not complete, and nothing waits for it
    }
    for (TestGateway node : reversed()) {
      stop(node);
    }
  }

  private List<TestGateway> reversed() {
    List<TestGateway> copy = new ArrayList<>(nodes);
    java.util.Collections.reverse(copy);
    return copy;
  }

  /** A free TCP port on 127.0.0.1 (for a Hazelcast member, a bridge …). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
