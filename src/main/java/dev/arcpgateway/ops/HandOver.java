package dev.arcpgateway.ops;

import io.vertx.core.Future;

/**
 * Something on this node that serves jobs for the whole cluster (an agent host, the agent bridge) and can stop
 * taking new ones while the jobs it has go on: the first step of a {@link Drain}, so that the other nodes' jobs
 * go to their own agents from then on.
 */
public interface HandOver {

  /** Takes no more jobs; completes once the cluster no longer routes new ones here. Any thread may call it. */
  Future<Void> handOver();
}
