package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Ulid}: 26 Crockford base32 characters, monotonic within a thread. */
class UlidTest {

  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  @Test
  void hundredThousandIdsSortInGenerationOrder() {
    int n = 100_000;
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(Ulid.next());
    }
    String[] sorted = ids.toArray(new String[0]);
    Arrays.sort(sorted);
    for (int i = 0; i < n; i++) {
      if (!sorted[i].equals(ids.get(i))) {
        throw new AssertionError("id #" + i + " out of order: " + ids.get(i) + " sorted as " + sorted[i]);
      }
    }
    assertEquals(n, new HashSet<>(ids).size(), "ids are unique");
    for (String id : ids) {
      if (id.length() != 26 || !Ulid.isUlid(id)) {
        throw new AssertionError("not a ULID: " + id);
      }
      for (char c : id.toCharArray()) {
        if (ALPHABET.indexOf(c) < 0) {
          throw new AssertionError("bad character " + c + " in " + id);
        }
      }
    }
  }

  @Test
  void timePartIsTheCurrentMillisecond() {
    long before = System.currentTimeMillis();
    String id = Ulid.next();
    long after = System.currentTimeMillis();
    long time = 0;
    for (int i = 0; i < 10; i++) {
      time = time * 32 + ALPHABET.indexOf(id.charAt(i));
    }
    // monotonicity may borrow ahead after a burst in one millisecond, never more than a little
    assertTrue(time >= before - 1 && time <= after + 1000, time + " not in [" + before + ", " + after + "]");
  }

  @Test
  void idsFromAnotherThreadAreValidToo() throws InterruptedException {
    List<String> other = new ArrayList<>();
    Thread thread = new Thread(() -> {
      for (int i = 0; i < 1000; i++) {
        other.add(Ulid.next());
      }
    });
    thread.start();
    thread.join();
    for (int i = 1; i < other.size(); i++) {
      if (other.get(i - 1).compareTo(other.get(i)) >= 0) {
        throw new AssertionError("id #" + i + " " + other.get(i) + " does not sort after " + other.get(i - 1));
      }
    }
    other.forEach(id -> assertTrue(Ulid.isUlid(id), id));
  }

  @Test
  void isUlidRefusesMalformedStrings() {
    String good = Ulid.next();
    assertTrue(Ulid.isUlid(good));
    assertTrue(Ulid.isUlid("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), "the largest ULID");
    assertTrue(Ulid.isUlid("00000000000000000000000000"));
    assertFalse(Ulid.isUlid(null));
    assertFalse(Ulid.isUlid(""));
    assertFalse(Ulid.isUlid(good.substring(1)));
    assertFalse(Ulid.isUlid(good + "0"));
    assertFalse(Ulid.isUlid("8ZZZZZZZZZZZZZZZZZZZZZZZZZ"), "would overflow 128 bits");
    for (char bad : "ILOU*-a".toCharArray()) {
      assertFalse(Ulid.isUlid("0" + String.valueOf(bad).repeat(25)), "character " + bad);
    }
  }
}
