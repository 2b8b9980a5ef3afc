package dev.arcpgateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.store.SessionJournal;
import dev.arcpgateway.store.SessionJournal.SessionFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The journal goes ahead of the client: numbered frames and what follows them are written only once the journal
 * stored them, in order, a turn's frames in one append; when the journal refuses, the client is not kept waiting
 * and the journal catches up behind, in order.
 */
class WriteAheadTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  /** Appends the journal was asked for, each with the promise that answers it. */
  private final List<List<SessionFrame>> appended = Collections.synchronizedList(new ArrayList<>());
  private final List<Promise<Void>> answers = Collections.synchronizedList(new ArrayList<>());
  private final List<String> written = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private final SessionJournal journal = new UnusableJournal() {
    @Override
    public Future<Void> append(String sessionId, List<SessionFrame> frames) {
      Promise<Void> answer = Promise.promise();
      appended.add(List.copyOf(frames));
      answers.add(answer);
      return answer.future();
    }
  };


  private <T> T onContext(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  private void onContext(Runnable action) throws Exception {
    onContext(() -> {
      action.run();
      return null;
    });
  }

  private static SessionFrame frame(long seq) {
    return new SessionFrame(seq, "job", seq, false, "frame " + seq);
  }

  private void awaitAppends(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (appended.size() < count) {
      assertTrue(System.nanoTime() < deadline, "appends: " + appended);
      onContext(() -> { }); // one turn of the loop
    }
  }

  @Test
  void framesAndWhatFollowsThemWaitForTheJournalAndATurnsFramesGoTogether() throws Exception {
    WriteAhead ahead = onContext(() -> new WriteAhead(vertx, context, journal, "s"));
    onContext(() -> {
      ahead.after(() -> written.add("before"));
      ahead.numbered(frame(1), () -> written.add("1"));
      ahead.after(() -> written.add("reply after 1"));
      ahead.numbered(frame(2), () -> written.add("2"));
    });
    assertEquals(List.of("before"), written, "nothing waited before the first frame");
    awaitAppends(1);
    assertEquals(List.of(frame(1), frame(2)), appended.get(0), "one append for the turn");
    onContext(() -> ahead.numbered(frame(3), () -> written.add("3"))); // while the first append is out
    assertEquals(List.of("before"), written);
    answers.get(0).complete();
    awaitAppends(2);
    assertEquals(List.of("before", "1", "reply after 1", "2"), written);
    assertEquals(List.of(frame(3)), appended.get(1));
    onContext(() -> ahead.after(() -> written.add("reply after 3")));
    answers.get(1).complete();
    onContext(() -> { });
    onContext(() -> { });
    assertEquals(List.of("before", "1", "reply after 1", "2", "3", "reply after 3"), written);
  }

  @Test
  void aRefusingJournalKeepsNobodyWaitingAndIsCaughtUpInOrder() throws Exception {
    WriteAhead ahead = onContext(() -> new WriteAhead(vertx, context, journal, "s"));
    onContext(() -> {
      ahead.numbered(frame(1), () -> written.add("1"));
      ahead.after(() -> written.add("reply"));
    });
    awaitAppends(1);
    answers.get(0).fail("store unavailable");
    onContext(() -> { });
    onContext(() -> { });
    assertEquals(List.of("1", "reply"), written, "the client is told at once");
    onContext(() -> ahead.numbered(frame(2), () -> written.add("2")));
    assertEquals(List.of("1", "reply", "2"), written, "and does not wait while the journal is behind");
    awaitAppends(2); // the refused batch, offered again after a second
    assertEquals(List.of(frame(1)), appended.get(1));
    answers.get(1).complete();
    awaitAppends(3);
    assertEquals(List.of(frame(2)), appended.get(2), "then what came while it was behind, in order");
    answers.get(2).complete();
    onContext(() -> { });
    onContext(() -> { });
    onContext(() -> ahead.numbered(frame(3), () -> written.add("3")));
    assertEquals(List.of("1", "reply", "2"), written, "caught up: frames wait for the journal again");
    awaitAppends(4);
    answers.get(3).complete();
    onContext(() -> { });
    onContext(() -> { });
    assertEquals(List.of("1", "reply", "2", "3"), written);
  }
}
