package dev.arcpgateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.store.SessionJournal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The journal's frames follow the resume buffer's drops in batches, one drop at a time, each range starting where
 * the last successful one ended (a fast stream once piled up overlapping drops from seq 0 on PostgreSQL).
 */
class JournalDropsTest {

  /** The ranges asked for, as {after, through}, each with the promise that answers it. */
  private final List<List<Long>> ranges = new ArrayList<>();
  private final List<Promise<Void>> answers = new ArrayList<>();

  private final SessionJournal journal = new UnusableJournal() {
    @Override
    public Future<Void> dropRange(String sessionId, long afterSeq, long throughSeq) {
      ranges.add(List.of(afterSeq, throughSeq));
      Promise<Void> answer = Promise.promise();
      answers.add(answer);
      return answer.future();
    }
  };


  private final JournalDrops drops = new JournalDrops(journal, "s");

  @Test
  void nothingIsDroppedBeforeABatchIsBehindTheBuffer() {
    drops.bufferDroppedThrough(JournalDrops.BATCH - 1);
    assertTrue(ranges.isEmpty());
    drops.bufferDroppedThrough(JournalDrops.BATCH);
    assertEquals(List.of(List.of(0L, (long) JournalDrops.BATCH)), ranges);
  }

  @Test
  void oneDropAtATimeEachStartingWhereTheLastEnded() {
    drops.bufferDroppedThrough(2000);
    drops.bufferDroppedThrough(5000); // while the first is out
    assertEquals(List.of(List.of(0L, 2000L)), ranges, "no second drop while one is out");
    answers.get(0).complete();
    drops.bufferDroppedThrough(5000);
    answers.get(1).complete();
    drops.bufferDroppedThrough(7000);
    assertEquals(List.of(List.of(0L, 2000L), List.of(2000L, 5000L), List.of(5000L, 7000L)), ranges);
  }

  @Test
  void aFailedDropIsCoveredByTheNext() {
    drops.bufferDroppedThrough(2000);
    answers.get(0).fail("store unavailable");
    drops.bufferDroppedThrough(3000);
    assertEquals(List.of(List.of(0L, 2000L), List.of(0L, 3000L)), ranges);
  }

  @Test
  void aStoreThatDoesNotSurviveARestartIsNeverAsked() {
    JournalDrops none = new JournalDrops(null, "s");
    none.bufferDroppedThrough(1_000_000); // would throw on a journal
    assertTrue(ranges.isEmpty());
  }
}
