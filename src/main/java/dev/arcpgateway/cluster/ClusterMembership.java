package dev.arcpgateway.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Which nodes form the cluster this gateway's Vert.x belongs to, and when that changes. A Vert.x that is not
 * clustered is a cluster of one node.
 */
public final class ClusterMembership {

  private static final String ALONE = "local";
  /** The member attribute in which vertx-hazelcast keeps a member's Vert.x node id (not Hazelcast's own id). */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final HazelcastClusterManager hazelcast;

  private ClusterMembership(HazelcastClusterManager hazelcast) {
    this.hazelcast = hazelcast;
  }

  /**
   * The membership of {@code vertx}'s cluster.
   *
   * @throws IllegalArgumentException when {@code vertx} is clustered by another manager than Hazelcast (the
   *                                  gateway watches Hazelcast's members to drop a departed node's agents)
   */
  public static ClusterMembership of(Vertx vertx) {
    if (!vertx.isClustered()) {
      return new ClusterMembership(null);
    }
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    if (!(manager instanceof HazelcastClusterManager hazelcast)) {
      throw new IllegalArgumentException("a clustered gateway needs the Hazelcast cluster manager, not "
          + manager.getClass().getName());
    }
    return new ClusterMembership(hazelcast);
  }

  public boolean clustered() {
    return hazelcast != null;
  }

  /** This node's id, as the cluster manager names it. */
  public String nodeId() {
    return hazelcast == null ? ALONE : hazelcast.getNodeId();
  }

  /** The ids of the nodes in the cluster now, this one included. */
  public List<String> nodes() {
    return hazelcast == null ? List.of(ALONE) : hazelcast.getNodes();
  }

  /**
   * Whether no node in the cluster now consumes {@code address}, though one may still be listed: the event bus
   * forgets a departed node's consumers a moment after the node is gone, and a request sent to one in between
   * waits for its timeout: this tells that case from a consumer that is there but slow. Always false when not
   * clustered, where a missing consumer is a plain NO_HANDLERS. The future may complete on any thread.
   */
  public Future<Boolean> noMemberConsumes(String address) {
    if (hazelcast == null) {
      return Future.succeededFuture(false);
    }
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    hazelcast.getRegistrations(address, registrations);
    return registrations.future().map(listed -> {
      List<String> members = hazelcast.getNodes();
      return listed.stream().noneMatch(registration -> members.contains(registration.nodeId()));
    });
  }

  /**
   * Calls {@code gone} (on any thread) if, as nodes leave, no member consumes {@code address} any more.
   *
   * @return what stops watching
   */
  public Runnable onNoMemberConsuming(String address, Runnable gone) {
    return onLeft(node -> noMemberConsumes(address).onSuccess(none -> {
      if (none) {
        gone.run();
      }
    }));
  }

  /**
   * Calls {@code changed} (on a Hazelcast thread) whenever a node joins or leaves.
   *
   * @return what stops the calls
   */
  public Runnable onChange(Runnable changed) {
    return watch(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        changed.run();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        changed.run();
      }
    });
  }

  /**
   * Calls {@code left} (on a Hazelcast thread) with the id of each node that leaves the cluster, gracefully or
   * because the others lost it.
   *
   * @return what stops the calls
   */
  public Runnable onLeft(Consumer<String> left) {
    return watch(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // joining nodes bring their own work
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(VERTX_NODE_ID);
        if (nodeId != null) {
          left.accept(nodeId);
        }
      }
    });
  }

  private Runnable watch(MembershipListener listener) {
    if (hazelcast == null) {
      return () -> { };
    }
    // Vert.x keeps the manager's one NodeListener for itself: watch Hazelcast's members beside it
    UUID registration = hazelcast.getHazelcastInstance().getCluster().addMembershipListener(listener);
    return () -> {
      try {
        hazelcast.getHazelcastInstance().getCluster().removeMembershipListener(registration);
      } catch (com.hazelcast.core.HazelcastInstanceNotActiveException leftAlready) {
        // the node has left the cluster: nothing more will be called
      }
    };
  }
}
