package dev.arcpgateway.protocol;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.function.Supplier;

/**
 * A value per thread, for state read on every frame (id generators, clocks' text, digests). On Netty's threads —
 * every event loop — it sits in a slot found by index; a {@link ThreadLocal} is found by hashing into a map that
 * Vert.x, Netty and Jackson all fill, and its probing showed in profiles of the per-event path.
 */
final class PerThread<T> extends FastThreadLocal<T> {

  private final Supplier<T> initial;

  private PerThread(Supplier<T> initial) {
    this.initial = initial;
  }

  static <T> PerThread<T> of(Supplier<T> initial) {
    return new PerThread<>(initial);
  }

  @Override
  protected T initialValue() {
    return initial.get();
  }
}
