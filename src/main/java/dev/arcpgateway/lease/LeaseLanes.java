package dev.arcpgateway.lease;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Which lane holds each live job's lease, for the one case that crosses lanes: a child job whose parent's lease
 * lives in another lane (a client submitting with a delegation token, or naming a parent). The child's lease is
 * then granted in its parent's lane, where the parent's budget and children are. Each entry is written by the
 * lease verticle that holds the lease; the others only read it.
 */
final class LeaseLanes {

  private static final String MAP = "arcp.lease.lanes";

  private final LocalMap<String, Integer> lanes;

  LeaseLanes(Vertx vertx) {
    this.lanes = vertx.sharedData().getLocalMap(MAP);
  }

  void held(String jobId, int lane) {
    lanes.put(jobId, lane);
  }

  void released(String jobId) {
    lanes.remove(jobId);
  }

  /** The lane holding the lease of {@code jobId}, or -1 when no lane does. */
  int of(String jobId) {
    Integer lane = lanes.get(jobId);
    return lane == null ? -1 : lane;
  }
}
