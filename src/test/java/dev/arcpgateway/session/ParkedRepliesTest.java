package dev.arcpgateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ParkedReplies} and how the {@link Outbox} fills it: answers that never left keep their place among the
 * seq-bearing frames, and dropping one past the caps makes any resume that needed it impossible.
 */
class ParkedRepliesTest {

  private static List<String> frames(ParkedReplies parked) {
    return parked.takeAll().stream().map(reply -> reply.afterSeq() + ":" + reply.frame()).toList();
  }

  /** A socket that is full when the connection goes: its waiting answers are parked after the frame they followed. */
  @Test
  void answersWaitingForAFullSocketAreParkedInPlace() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ParkedReplies parked = new ParkedReplies(100, 10_000, bytes -> { });
      Outbox outbox = new Outbox(vertx.eventBus(), vertx.getOrCreateContext(), parked, () -> { });
      outbox.attach("conn_test");
      outbox.socketPaused(true);
      outbox.writeReply("accepted-a");
      outbox.write(0, "ping");
      outbox.write(7, "event-7");
      outbox.write(8, "event-8");
      outbox.writeReply("cancelled-a");
      outbox.write(9, "event-9");
      outbox.writeReply("jobs");
      outbox.detach();
      assertFalse(outbox.attached());
      assertEquals(List.of("6:accepted-a", "8:cancelled-a", "9:jobs"), frames(parked),
          "answers only (the ping meant something on that connection alone), each after the frame it followed");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** On heartbeat loss the answers are parked before the rest is flushed to a connection presumed gone. */
  @Test
  void parkingTheAnswersLeavesTheOtherFramesQueued() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ParkedReplies parked = new ParkedReplies(100, 10_000, bytes -> { });
      Outbox outbox = new Outbox(vertx.eventBus(), vertx.getOrCreateContext(), parked, () -> { });
      outbox.attach("conn_test");
      outbox.socketPaused(true);
      outbox.write(1, "event-1");
      outbox.writeReply("accepted-b");
      outbox.write(0, "ping");
      outbox.parkReplies();
      assertTrue(outbox.attached());
      assertEquals(2, outbox.backlog(), "the event and the ping still wait for the socket");
      assertEquals("event-1ping".length(), outbox.backlogChars());
      assertEquals(List.of("1:accepted-b"), frames(parked));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void droppingAnAnswerPastTheCapsRefusesResumesFromBeforeIt() {
    ParkedReplies parked = new ParkedReplies(2, 10_000, bytes -> { });
    parked.add(3, "a");
    parked.add(5, "b");
    assertTrue(parked.covers(0));
    parked.add(5, "c");
    assertFalse(parked.covers(3), "answer a (after seq 3) is gone");
    assertTrue(parked.covers(4));
    assertEquals(List.of("5:b", "5:c"), frames(parked));
    assertEquals(List.of(), frames(parked), "taken once");
  }

  @Test
  void theByteCapBoundsTheAnswersToo() {
    ParkedReplies parked = new ParkedReplies(100, 10, bytes -> { });
    parked.add(1, "123456");
    parked.add(2, "123456");
    assertFalse(parked.covers(1));
    assertTrue(parked.covers(2));
    assertEquals(List.of("2:123456"), frames(parked));
  }

  /** What the answers take is told to the gateway's buffer budget, and all of it given back. */
  @Test
  void theLedgerFollowsAddsDropsAndTakes() {
    long[] ledger = {0};
    ParkedReplies parked = new ParkedReplies(2, 10_000, bytes -> ledger[0] += bytes);
    parked.add(1, "accepted-a");
    long one = ledger[0];
    assertTrue(one > "accepted-a".length(), "the heap an answer takes, not only its text");
    parked.add(1, "accepted-b");
    parked.add(2, "accepted-c"); // the count cap drops accepted-a
    assertEquals(2 * one, ledger[0]);
    frames(parked);
    assertEquals(0, ledger[0], "every byte told is given back");
  }
}
