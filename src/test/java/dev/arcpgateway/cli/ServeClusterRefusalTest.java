package dev.arcpgateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 11: {@code serve --cluster} refuses, in one line with exit code 2, nodes that could not share state. */
class ServeClusterRefusalTest {

  private static void assertRefused(CliProcess serve, String expected) {
    assertEquals(2, serve.exitCode(), serve::describe);
    assertEquals(1, serve.stderr().lines().count(), serve::describe);
    assertTrue(serve.stderr().contains(expected), serve::describe);
  }

  @Test
  void aClusterOnTheMemoryStoreIsRefused() {
    assertRefused(CliProcess.run(Map.of(), "serve", "--cluster", "--set", "lease.delegation.algorithm=HS256",
        "--set", "lease.delegation.secret=a-shared-secret-of-thirty-two-bytes"), "a cluster needs --store pg");
  }

  @Test
  void aClusterWithoutASharedDelegationKeyIsRefused() {
    assertRefused(CliProcess.run(Map.of(), "serve", "--cluster", "--store", "pg", "--pg-uri",
        "postgresql://nobody@127.0.0.1:1/none"), "a cluster needs one delegation signing key on every node");
  }

  @Test
  void aClusterMemberThatIsNotHostAndPortIsRefused() {
    assertRefused(CliProcess.run(Map.of("ARCP_CLUSTER_ENABLED", "true"), "serve", "--cluster-members", "nowhere"),
        "cluster.members entries are HOST:PORT");
  }
}
