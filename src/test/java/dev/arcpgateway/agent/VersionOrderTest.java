package dev.arcpgateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link VersionOrder}: numeric parts numerically, pre-releases before releases, and a lawful comparator. */
class VersionOrderTest {

  private static final VersionOrder ORDER = VersionOrder.INSTANCE;

  @Test
  void examples() {
    assertTrue(ORDER.compare("1.10.0", "1.9.0") > 0);
    assertTrue(ORDER.compare("1.9.0", "1.10.0") < 0);
    assertTrue(ORDER.compare("2.0.0-rc1", "2.0.0") < 0);
    assertTrue(ORDER.compare("2.0.0", "2.0.0-rc1") > 0);
    assertTrue(ORDER.compare("2.0.0-rc1", "1.99.99") > 0);
    assertTrue(ORDER.compare("10.0.0", "9.99.99") > 0);
    assertTrue(ORDER.compare("1.0.0+build.5", "1.0.0-rc.1") > 0, "build metadata is no pre-release");
    assertTrue(ORDER.compare("99999999999999999999.0", "100000000000000000000.0") < 0, "no overflow");
    assertEquals(0, ORDER.compare("1.2.3", "1.2.3"));
  }

  @Test
  void sortsAListTheWayPeopleExpect() {
    List<String> expected = List.of("0.9.0", "1.0.0-alpha", "1.0.0-beta", "1.0.0", "1.2.0", "1.10.0", "2.0.0-rc1",
        "2.0.0", "10.0.0");
    List<String> shuffled = new ArrayList<>(expected);
    Collections.shuffle(shuffled, new java.util.Random(7));
    shuffled.sort(ORDER);
    assertEquals(expected, shuffled);
  }

  @Provide
  Arbitrary<String> versions() {
    Arbitrary<String> raw = Arbitraries.strings().withChars("0123456789.-+arc").ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> part = Arbitraries.oneOf(Arbitraries.integers().between(0, 12).map(String::valueOf),
        Arbitraries.of("01", "x", "rc1", ""));
    Arbitrary<String> core = part.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
    Arbitrary<String> suffix = Arbitraries.of("", "", "-rc1", "-rc.2", "+b1", "-a+b", "+b-1");
    return Arbitraries.oneOf(raw, Combinators.combine(core, suffix).as(String::concat));
  }

  @Property(tries = 2000)
  void antisymmetricAndConsistentWithEquals(@ForAll("versions") String a, @ForAll("versions") String b) {
    assertEquals(Integer.signum(ORDER.compare(a, b)), -Integer.signum(ORDER.compare(b, a)), a + " vs " + b);
    assertEquals(a.equals(b), ORDER.compare(a, b) == 0, a + " vs " + b);
  }

  @Property(tries = 2000)
  void transitive(@ForAll("versions") String a, @ForAll("versions") String b, @ForAll("versions") String c) {
    List<String> sorted = new ArrayList<>(List.of(a, b, c));
    sorted.sort(ORDER);
    String x = sorted.get(0);
    String y = sorted.get(1);
    String z = sorted.get(2);
    assertTrue(ORDER.compare(x, y) <= 0 && ORDER.compare(y, z) <= 0, sorted.toString());
    assertTrue(ORDER.compare(x, z) <= 0, "not transitive: " + sorted);
  }

  @Property(tries = 1000)
  void numericTriplesCompareNumerically(@ForAll @IntRange(max = 1000) int a1, @ForAll @IntRange(max = 1000) int a2,
                                        @ForAll @IntRange(max = 1000) int a3, @ForAll @IntRange(max = 1000) int b1,
                                        @ForAll @IntRange(max = 1000) int b2, @ForAll @IntRange(max = 1000) int b3) {
    int expected = a1 != b1 ? Integer.compare(a1, b1) : a2 != b2 ? Integer.compare(a2, b2) : Integer.compare(a3, b3);
    assertEquals(Integer.signum(expected),
        Integer.signum(ORDER.compare(a1 + "." + a2 + "." + a3, b1 + "." + b2 + "." + b3)));
  }

  @Property(tries = 500)
  void aPreReleaseComesBeforeItsRelease(@ForAll @IntRange(max = 50) int major, @ForAll @IntRange(max = 50) int minor,
                                        @ForAll("preReleases") String pre) {
    String release = major + "." + minor + ".0";
    assertTrue(ORDER.compare(release + "-" + pre, release) < 0, release + "-" + pre);
    assertTrue(ORDER.compare(release + "-" + pre, major + "." + (minor + 1) + ".0") < 0);
  }

  @Provide
  Arbitrary<String> preReleases() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars(".").ofMinLength(1)
        .ofMaxLength(6);
  }
}
