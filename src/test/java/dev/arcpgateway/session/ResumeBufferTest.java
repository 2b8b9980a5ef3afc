package dev.arcpgateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/** {@link ResumeBuffer}: what a resume can replay (§6.3) after acks (§6.5) and evictions. */
class ResumeBufferTest {

  private static ResumeBuffer filled(int maxEvents, long maxBytes, int frames) {
    ResumeBuffer buffer = new ResumeBuffer(maxEvents, maxBytes, bytes -> { });
    for (int seq = 1; seq <= frames; seq++) {
      buffer.append(seq, "f" + seq);
    }
    return buffer;
  }

  @Test
  void everythingIsCoveredWhileNothingWasDropped() {
    ResumeBuffer buffer = filled(100, 1000, 5);
    for (long seen = 0; seen <= 5; seen++) {
      assertTrue(buffer.covers(seen), "seen " + seen);
    }
    assertFalse(buffer.covers(6), "the client cannot have seen frames that were never sent");
    assertEquals(List.of("f4", "f5"), frames(buffer.after(3)));
    assertEquals(List.of("f1", "f2", "f3", "f4", "f5"), frames(buffer.after(0)));
    assertEquals(List.of(), frames(buffer.after(5)));
    assertEquals(5, buffer.lastSeq());
  }

  @Test
  void emptyBufferCoversOnlyZero() {
    ResumeBuffer buffer = new ResumeBuffer(10, 100, bytes -> { });
    assertTrue(buffer.covers(0));
    assertFalse(buffer.covers(1));
    assertEquals(List.of(), frames(buffer.after(0)));
  }

  @Test
  void ackedFramesAreFreed() {
    ResumeBuffer buffer = filled(100, 1000, 5);
    buffer.ack(3);
    assertEquals(3, buffer.ackedThrough());
    assertEquals(2, buffer.size());
    assertFalse(buffer.covers(2), "frame 3 is gone");
    assertTrue(buffer.covers(3));
    assertTrue(buffer.covers(5));
    assertEquals(List.of("f4", "f5"), frames(buffer.after(3)));
    buffer.ack(2);
    assertEquals(3, buffer.ackedThrough(), "acks never go back");
    buffer.ack(99);
    assertEquals(5, buffer.ackedThrough(), "acks beyond the last frame are clipped");
    assertEquals(0, buffer.size());
    assertTrue(buffer.covers(5));
    assertFalse(buffer.covers(4));
    buffer.append(6, "f6");
    assertTrue(buffer.covers(5));
    assertEquals(List.of("f6"), frames(buffer.after(5)));
  }

  @Test
  void evictionByCount() {
    ResumeBuffer buffer = filled(3, 1000, 5);
    assertEquals(3, buffer.size());
    assertEquals(0, buffer.ackedThrough(), "evicted is not acknowledged");
    assertFalse(buffer.covers(1), "frame 2 was evicted");
    assertTrue(buffer.covers(2));
    assertEquals(List.of("f3", "f4", "f5"), frames(buffer.after(2)));
  }

  @Test
  void evictionByBytes() {
    ResumeBuffer buffer = new ResumeBuffer(100, 10, bytes -> { });
    buffer.append(1, "aaaa");
    buffer.append(2, "bbbb");
    assertEquals(8, buffer.bytes());
    buffer.append(3, "cccc"); // 12 > 10: frame 1 goes
    assertEquals(8, buffer.bytes());
    assertFalse(buffer.covers(0));
    assertTrue(buffer.covers(1));
    buffer.append(4, "x".repeat(11)); // larger than the whole budget: nothing can stay
    assertEquals(0, buffer.size());
    assertEquals(0, buffer.bytes());
    assertTrue(buffer.covers(4));
    assertFalse(buffer.covers(3), "frame 4 itself is lost");
  }

  /** The budget is a byte budget ({@code limits.resume_buffer_max_bytes}): frames count their UTF-8 size. */
  @Test
  void byteBudgetCountsBytesNotChars() {
    ResumeBuffer buffer = new ResumeBuffer(100, 1000, bytes -> { });
    String frame = "{\"data\":\"€€€€\"}";
    buffer.append(1, frame);
    assertEquals(frame.getBytes(StandardCharsets.UTF_8).length, buffer.bytes());
  }

  /**
   * The gateway-wide budget sees every byte come and go, and a trim for memory drops frames whether or not they
   * were acknowledged, so that a resume from before them is refused rather than given a gap.
   */
  @Test
  void theLedgerFollowsAppendsAcksAndTrims() {
    long[] ledger = {0};
    ResumeBuffer buffer = new ResumeBuffer(3, 1000, bytes -> ledger[0] += bytes);
    for (int seq = 1; seq <= 5; seq++) {
      buffer.append(seq, "frame" + seq); // the count cap keeps 3, 4 and 5
    }
    assertTrue(ledger[0] > buffer.bytes(), "the ledger counts the heap a frame takes, not only its text");
    long perFrame = ledger[0] / 3;
    buffer.ack(3);
    assertEquals(2 * perFrame, ledger[0]);
    buffer.trimThrough(4);
    assertEquals(perFrame, ledger[0]);
    assertEquals(3, buffer.ackedThrough(), "a trim is not an acknowledgement");
    assertFalse(buffer.covers(3));
    assertTrue(buffer.covers(4));
    buffer.trimThrough(5);
    assertEquals(0, ledger[0], "every byte told is given back");
  }

  /** Random appends and acks against a model: a resume is covered exactly when no frame it needs is gone. */
  @Property(tries = 1000)
  void coversAndAfterAgreeWithAModel(@ForAll Random random) {
    int maxEvents = 1 + random.nextInt(6);
    long maxBytes = 3 + random.nextInt(30);
    ResumeBuffer buffer = new ResumeBuffer(maxEvents, maxBytes, bytes -> { });
    Deque<String[]> kept = new ArrayDeque<>(); // {seq, frame}, a suffix of everything sent
    long last = 0;
    long acked = 0;
    int steps = random.nextInt(40);
    for (int step = 0; step < steps; step++) {
      if (random.nextInt(4) > 0) {
        last++;
        String frame = "x".repeat(1 + random.nextInt(8)) + last;
        buffer.append(last, frame);
        kept.addLast(new String[] {String.valueOf(last), frame});
        while (kept.size() > maxEvents || kept.stream().mapToLong(e -> e[1].length()).sum() > maxBytes) {
          kept.removeFirst();
        }
      } else {
        long ack = random.nextInt((int) last + 3);
        buffer.ack(ack);
        while (!kept.isEmpty() && Long.parseLong(kept.peekFirst()[0]) <= ack) {
          kept.removeFirst();
        }
        acked = Math.max(acked, Math.min(ack, last));
      }
      assertEquals(kept.size(), buffer.size());
      assertEquals(last, buffer.lastSeq());
      assertEquals(acked, buffer.ackedThrough());
      for (long seen = 0; seen <= last + 2; seen++) {
        boolean expected = seen <= last && allKept(kept, seen, last);
        Statistics.label("covered").collect(expected);
        assertEquals(expected, buffer.covers(seen), "seen " + seen + " last " + last + " kept " + seqs(kept));
        if (expected) {
          List<String> frames = new ArrayList<>();
          for (String[] e : kept) {
            if (Long.parseLong(e[0]) > seen) {
              frames.add(e[1]);
            }
          }
          assertEquals(frames, frames(buffer.after(seen)));
        }
      }
    }
  }

  private static boolean allKept(Deque<String[]> kept, long seen, long last) {
    for (long seq = seen + 1; seq <= last; seq++) {
      long s = seq;
      if (kept.stream().noneMatch(e -> Long.parseLong(e[0]) == s)) {
        return false;
      }
    }
    return true;
  }

  private static List<String> seqs(Deque<String[]> kept) {
    return kept.stream().map(e -> e[0]).toList();
  }

  private static List<String> frames(List<ResumeBuffer.Entry> entries) {
    return entries.stream().map(ResumeBuffer.Entry::frame).toList();
  }
}
