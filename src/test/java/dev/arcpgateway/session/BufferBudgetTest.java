package dev.arcpgateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link BufferBudget}: while the budget is exhausted, an attached session is looked at again whenever it may now
 * have to give memory back, not only when its buffer grows.
 */
class BufferBudgetTest {

  private static final long LIMIT = 1_000;

  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The growth that passed the limit came while the client read; its jobs then paused, so no growth follows. */
  @Test
  void aClientThatStopsReadingOnceTheBudgetRanOutIsLookedAtAgain() throws Exception {
    BufferBudget budget = new BufferBudget(LIMIT);
    AtomicBoolean reading = new AtomicBoolean(true);
    CompletableFuture<Void> trimmedWhileReading = new CompletableFuture<>();
    CompletableFuture<Long> trimmedWhileNotReading = new CompletableFuture<>();
    BufferBudget.Account account = onLoop(() -> budget.open(loop, () -> { }, closeAbove -> {
      if (reading.get()) {
        trimmedWhileReading.complete(null);
      } else {
        trimmedWhileNotReading.complete(closeAbove);
      }
    }));
    onLoop(() -> {
      account.change(LIMIT + 1);
      return null;
    });
    trimmedWhileReading.get(5, TimeUnit.SECONDS);
    onLoop(() -> {
      reading.set(false);
      account.stoppedReading();
      return null;
    });
    assertEquals(LIMIT, trimmedWhileNotReading.get(5, TimeUnit.SECONDS), "the whole budget is its even share");
  }

  /** A pass waits for the session's loop; what grew meanwhile is looked at once it is done. */
  @Test
  void growthWhileAPassRunsIsLookedAtOnceItIsDone() throws Exception {
    BufferBudget budget = new BufferBudget(LIMIT);
    AtomicInteger trims = new AtomicInteger();
    CompletableFuture<Void> trimmedTwice = new CompletableFuture<>();
    BufferBudget.Account account = onLoop(() -> budget.open(loop, () -> { }, closeAbove -> {
      if (trims.incrementAndGet() == 2) {
        trimmedTwice.complete(null);
      }
    }));
    onLoop(() -> {
      account.change(LIMIT + 1); // a pass: its trim runs on this loop, after this turn
      account.change(100);       // more, while that pass runs
      return null;
    });
    trimmedTwice.get(5, TimeUnit.SECONDS);
  }

  /** Nothing to give back: no pass at all, however often it is asked. */
  @Test
  void noPassWhileTheBudgetHolds() throws Exception {
    BufferBudget budget = new BufferBudget(LIMIT);
    AtomicInteger trims = new AtomicInteger();
    BufferBudget.Account account = onLoop(() -> budget.open(loop, () -> { }, closeAbove -> trims.incrementAndGet()));
    onLoop(() -> {
      account.change(LIMIT);
      account.stoppedReading();
      return null;
    });
    assertEquals(0, onLoop(trims::get), "a trim would have run on the loop before this");
  }

  private <T> T onLoop(Supplier<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    loop.runOnContext(v -> done.complete(work.get()));
    return done.get(5, TimeUnit.SECONDS);
  }
}
