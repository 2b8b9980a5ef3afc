package dev.arcpgateway.session;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The gateway-wide budget for the bytes that sessions keep for their clients (their resume buffers), shared by
 * every session-verticle instance: each session caps its own buffer, this caps their sum, so that many sessions
 * that never read cannot fill the heap.
 *
 * <p>Sessions on any event loop add and remove bytes through their {@link Account} on a lock-free ledger. When the
 * total passes the limit, one relief pass at a time picks what to free until the projected total is back under
 * seven eighths of it, and sends each pick to the owning session's loop, which alone changes its state:
 * <ol>
 *   <li>parked sessions, the longest parked first, are forgotten (a later resume gets RESUME_WINDOW_EXPIRED);</li>
 *   <li>then attached sessions, the largest buffer first, drop what they already handed to their transport, and
 *       close if their client is not reading (its socket is full) while they still hold more than an even share
 *       of the budget.</li>
 * </ol>
 * The next pass starts only after every pick of the last one was applied, so it sees what they freed; a pass asked
 * for meanwhile (more growth, or a client that stopped reading) then follows at once if the total is still over
 * the limit. A client that stops reading asks for one too: the growth that passed the limit may have come while
 * it still read, and with its jobs paused for it, none may follow.
 */
public final class BufferBudget {

  private final long limit;
  private final long target;
  private final AtomicLong used = new AtomicLong();
  private final AtomicBoolean relieving = new AtomicBoolean();
  /** A pass was asked for since the running one took its measure. */
  private final AtomicBoolean asked = new AtomicBoolean();
  private final AtomicLong parkings = new AtomicLong();
  private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
  private final ConcurrentSkipListSet<Account> parked =
      new ConcurrentSkipListSet<>(Comparator.comparingLong(account -> account.parkedAs));

  /** @param limitBytes the most all sessions together may buffer */
  public BufferBudget(long limitBytes) {
    if (limitBytes <= 0) {
      throw new IllegalArgumentException("the buffer budget must be positive, got " + limitBytes);
    }
    this.limit = limitBytes;
    this.target = limitBytes - limitBytes / 8;
  }

  long limit() {
    return limit;
  }

  /**
   * Opens the account of a session living on {@code owner}, where relief passes run {@code forget} (the session
   * is parked: forget it) or {@code trim} (attached: drop frames already sent, and close if the client is not
   * reading and the session still holds more than the given bytes).
   */
  Account open(Context owner, Runnable forget, LongConsumer trim) {
    Account account = new Account(owner, forget, trim);
    accounts.add(account);
    return account;
  }

  private void relieve() {
    asked.set(true);
    if (!relieving.compareAndSet(false, true)) {
      return; // the running pass looks again once it is done
    }
    asked.set(false);
    long excess = used.get() - target;
    List<Future<Void>> picks = new ArrayList<>();
    for (Account account : parked) {
      if (excess <= 0) {
        break;
      }
      long bytes = account.bytes;
      if (bytes > 0) {
        picks.add(account.order(account.forget));
        excess -= bytes;
      }
    }
    if (excess > 0) {
      List<Account> largestFirst = new ArrayList<>();
      for (Account account : accounts) {
        if (account.parkedAs < 0 && account.bytes > 0) {
          largestFirst.add(account);
        }
      }
      largestFirst.sort(Comparator.comparingLong((Account account) -> account.bytes).reversed());
      long evenShare = limit / Math.max(1, largestFirst.size());
      for (Account account : largestFirst) {
        if (excess <= 0) {
          break;
        }
        excess -= account.bytes;
        picks.add(account.order(() -> account.trim.accept(evenShare)));
      }
    }
    if (picks.isEmpty()) {
      passDone(); // nothing buffered to give back (the total fell meanwhile)
      return;
    }
    Future.join(picks).onComplete(done -> passDone());
  }

  /** Ends a pass; one asked for while it ran follows if the total is still over the limit. */
  private void passDone() {
    relieving.set(false);
    if (asked.get() && used.get() > limit) {
      relieve();
    }
  }

  /**
   * One session's share. Only its owner's loop calls its methods; relief passes on other loops read its size and
   * parked position, which is why those are volatile.
   */
  final class Account {
    private final Context owner;
    private final Runnable forget;
    private final LongConsumer trim;
    private volatile long bytes;
    /** Order of parking (the smaller, the longer parked), or -1 while attached. */
    private volatile long parkedAs = -1;
    private boolean closed;

    private Account(Context owner, Runnable forget, LongConsumer trim) {
      this.owner = owner;
      this.forget = forget;
      this.trim = trim;
    }

    /** The session's buffer grew (positive) or shrank (negative) by {@code delta} bytes. */
    void change(long delta) {
      if (closed) {
        return;
      }
      bytes += delta;
      if (used.addAndGet(delta) > limit && delta > 0) {
        relieve();
      }
    }

    /**
     * The session's client stopped reading (its socket is full): if the budget is exhausted, a pass looks at it
     * again, as it may now have to close.
     */
    void stoppedReading() {
      if (!closed && used.get() > limit) {
        relieve();
      }
    }

    /** The session lost its transport: from now on it is the first to go, after those parked before it. */
    void parked() {
      if (parkedAs < 0) {
        parkedAs = parkings.incrementAndGet();
        parked.add(this);
      }
    }

    void attached() {
      if (parkedAs >= 0) {
        parked.remove(this);
        parkedAs = -1;
      }
    }

    /** The session is gone: whatever it still buffers no longer counts. */
    void close() {
      attached();
      accounts.remove(this);
      used.addAndGet(-bytes);
      bytes = 0;
      closed = true;
    }

    /** Runs {@code relief} on the owner's loop unless the session is gone by then; completes once it ran. */
    private Future<Void> order(Runnable relief) {
      Promise<Void> applied = Promise.promise();
      owner.runOnContext(v -> {
        try {
          if (!closed) {
            relief.run();
          }
        } finally {
          applied.complete();
        }
      });
      return applied.future();
    }
  }
}
