package dev.arcpgateway.agent;

import io.vertx.core.Future;

/**
 * A Java agent: runs one job at a time per call, on the event loop of its agent host, so it must never block.
 *
 * <p>The returned future decides how the job ends:
 * <ul>
 *   <li>success with a value: {@code job.result} with that value as the inline {@code result} (any JSON value:
 *       {@code JsonObject}, {@code JsonArray}, string, number, boolean or null);</li>
 *   <li>success after streaming through {@link JobContext#resultStream()}: {@code job.result} referencing the
 *       streamed result, with the value as {@code summary} when it is a string;</li>
 *   <li>failure with an {@link dev.arcpgateway.protocol.ArcpException}: {@code job.error} with its code;
 *       any other failure is an INTERNAL_ERROR.</li>
 * </ul>
 * Once the job is cancelled or timed out, whatever the future does is ignored.
 */
@FunctionalInterface
public interface Agent {

  Future<?> run(JobContext job);
}
