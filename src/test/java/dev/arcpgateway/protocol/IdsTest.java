package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link Ids}: prefixed ids and the W3C trace-id rules of §11. */
class IdsTest {

  @Provide
  Arbitrary<String> traceIds() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16)
        .filter(b -> !java.util.Arrays.equals(b, new byte[16]))
        .map(b -> HexFormat.of().formatHex(b));
  }

  @Property(tries = 300)
  void validTraceIdsPassThrough(@ForAll("traceIds") String traceId) {
    assertTrue(Ids.isTraceId(traceId));
    assertEquals(traceId, Ids.traceIdFrom(traceId));
  }

  @Property(tries = 300)
  void traceparentYieldsItsTraceId(@ForAll("traceIds") String traceId, @ForAll("traceIds") String other) {
    String traceparent = "00-" + traceId + "-" + other.substring(0, 16) + "-01";
    assertEquals(55, traceparent.length());
    assertEquals(traceId, Ids.traceIdFrom(traceparent));
  }

  @Property(tries = 300)
  void anythingElseGetsAFreshId(@ForAll String garbage) {
    if (Ids.isTraceId(garbage) || (garbage.length() == 55 && garbage.charAt(2) == '-')) {
      return;
    }
    String first = Ids.traceIdFrom(garbage);
    assertTrue(Ids.isTraceId(first), first);
    assertNotEquals(first, Ids.traceIdFrom(garbage), "fresh each time");
  }

  @Test
  void invalidTraceIdsAreReplaced() {
    String upper = "4BF92F3577B34DA6A3CE929D0E0E4736";
    String zero = "0".repeat(32);
    for (String bad : java.util.Arrays.asList(null, "", upper, zero, "4bf92f3577b34da6a3ce929d0e0e473",
        "4bf92f3577b34da6a3ce929d0e0e47366", "4bf92f3577b34da6a3ce929d0e0e473g",
        "00-" + zero + "-00f067aa0ba902b7-01", "00-" + upper + "-00f067aa0ba902b7-01")) {
      String id = Ids.traceIdFrom(bad);
      assertTrue(Ids.isTraceId(id), id);
      assertNotEquals(bad == null ? null : bad.toLowerCase(), id);
      assertFalse(id.equals(zero));
    }
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736",
        Ids.traceIdFrom("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "the spec's example");
  }

  @Test
  void freshTraceIdsAreValid() {
    for (int i = 0; i < 1000; i++) {
      String id = Ids.traceId();
      assertTrue(Ids.isTraceId(id), id);
    }
  }

  @Test
  void prefixedIdsCarryAUlid() {
    List<String> ids = List.of(Ids.session(), Ids.job(), Ids.result(), Ids.credential(), Ids.nonce(),
        Ids.connection());
    List<String> prefixes = List.of("sess_", "job_", "res_", "cred_", "p_", "conn_");
    for (int i = 0; i < ids.size(); i++) {
      assertTrue(ids.get(i).startsWith(prefixes.get(i)), ids.get(i));
      assertTrue(Ulid.isUlid(ids.get(i).substring(prefixes.get(i).length())), ids.get(i));
    }
    assertTrue(Ulid.isUlid(Ids.message()), "envelope ids are bare ULIDs");
  }
}
