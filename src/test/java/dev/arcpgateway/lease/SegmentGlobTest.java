package dev.arcpgateway.lease;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link SegmentGlob}: matching against an independent reference (per-segment regex, {@code **} as "zero or
 * more whole segments"), and soundness of {@link SegmentGlob#covers}.
 */
class SegmentGlobTest {

  // ---------------------------------------------------------------- reference implementation

  /** Reference: split on '/', `**` segment = zero or more segments, `*` inside a segment = [^/]*. */
  static boolean reference(String pattern, String value) {
    return refSegments(List.of(pattern.split("/", -1)), 0, List.of(value.split("/", -1)), 0);
  }

  private static boolean refSegments(List<String> p, int i, List<String> v, int j) {
    if (i == p.size()) {
      return j == v.size();
    }
    if (p.get(i).equals("**")) {
      for (int k = j; k <= v.size(); k++) {
        if (refSegments(p, i + 1, v, k)) {
          return true;
        }
      }
      return false;
    }
    return j < v.size() && segmentRegex(p.get(i)).matcher(v.get(j)).matches() && refSegments(p, i + 1, v, j + 1);
  }

  private static Pattern segmentRegex(String segment) {
    StringBuilder regex = new StringBuilder();
    for (char c : segment.toCharArray()) {
      regex.append(c == '*' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString());
  }

  /** A concrete string drawn from the language of {@code pattern}: wildcards replaced by random text. */
  static String instantiate(String pattern, Random random) {
    List<String> out = new ArrayList<>();
    for (String segment : pattern.split("/", -1)) {
      if (segment.equals("**")) {
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
          out.add(randomText(random, "abc*"));
        }
      } else {
        StringBuilder s = new StringBuilder();
        for (char c : segment.toCharArray()) {
          s.append(c == '*' ? randomText(random, "abc*") : String.valueOf(c));
        }
        out.add(s.toString());
      }
    }
    return String.join("/", out);
  }

  private static String randomText(Random random, String alphabet) {
    int n = random.nextInt(4);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  /** A pattern every string of which {@code pattern} matches: wildcards narrowed, `**` expanded. */
  static String specialize(String pattern, Random random) {
    List<String> out = new ArrayList<>();
    String[] pieces = {"**", "*", "a", "a*", "*b", ""};
    String[] stars = {"*", "", "a", "b*", "*a", "**"};
    for (String segment : pattern.split("/", -1)) {
      if (segment.equals("**")) {
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
          out.add(pieces[random.nextInt(pieces.length)]);
        }
      } else {
        StringBuilder s = new StringBuilder();
        for (char c : segment.toCharArray()) {
          s.append(c == '*' ? stars[random.nextInt(stars.length)] : String.valueOf(c));
        }
        // "**" produced inside a segment must not turn it into a whole-segment ** (that would widen it)
        out.add(s.toString().equals("**") ? "*" : s.toString());
      }
    }
    return String.join("/", out);
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<String> patterns() {
    Arbitrary<String> raw = Arbitraries.strings().withChars("ab*/").ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> structured = Arbitraries.of("**", "*", "a", "b", "ab", "a*", "*b", "a*b", "*a*", "")
        .list().ofMinSize(1).ofMaxSize(5).map(l -> String.join("/", l)).filter(s -> !s.isEmpty());
    return Arbitraries.oneOf(raw, structured);
  }

  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> raw = Arbitraries.strings().withChars("ab*/").ofMinLength(0).ofMaxLength(8);
    Arbitrary<String> structured = Arbitraries.of("a", "b", "ab", "ba", "", "*", "aa", "abab")
        .list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("/", l));
    return Arbitraries.oneOf(raw, structured);
  }

  @Provide
  Arbitrary<String> literals() {
    return Arbitraries.strings().withChars("ab/").ofMinLength(1).ofMaxLength(6);
  }

  // ---------------------------------------------------------------- matches()

  @Property(tries = 3000)
  void matchesAgreesWithReference(@ForAll("patterns") String pattern, @ForAll("values") String value) {
    boolean expected = reference(pattern, value);
    Statistics.label("matched").collect(expected);
    if (SegmentGlob.compile(pattern).matches(value) != expected) {
      throw new AssertionError("\"" + pattern + "\".matches(\"" + value + "\") should be " + expected);
    }
  }

  /** Values near the pattern's language (an instance, sometimes with one character changed). */
  @Property(tries = 3000)
  void matchesAgreesWithReferenceNearTheLanguage(@ForAll("patterns") String pattern, @ForAll Random random) {
    StringBuilder value = new StringBuilder(instantiate(pattern, random));
    if (random.nextBoolean() && value.length() > 0) {
      int at = random.nextInt(value.length());
      switch (random.nextInt(3)) {
        case 0 -> value.deleteCharAt(at);
        case 1 -> value.insert(at, "ab/".charAt(random.nextInt(3)));
        default -> value.setCharAt(at, "ab/".charAt(random.nextInt(3)));
      }
    }
    boolean expected = reference(pattern, value.toString());
    Statistics.label("matched").collect(expected);
    Statistics.label("matched").coverage(c -> c.check(true).percentage(p -> p > 40));
    if (SegmentGlob.compile(pattern).matches(value.toString()) != expected) {
      throw new AssertionError("\"" + pattern + "\".matches(\"" + value + "\") should be " + expected);
    }
  }

  @Property(tries = 300)
  void anyDepthMatchesEverything(@ForAll("values") String value) {
    assertTrue(SegmentGlob.compile("**").matches(value), value);
  }

  @Test
  void matchExamples() {
    SegmentGlob tierFast = SegmentGlob.compile("tier-fast/*");
    assertTrue(tierFast.matches("tier-fast/mini"));
    assertTrue(tierFast.matches("tier-fast/"), "* may match an empty segment");
    assertFalse(tierFast.matches("tier-fast/a/b"), "* stays within one segment");
    assertFalse(tierFast.matches("tier-fast"));
    SegmentGlob deep = SegmentGlob.compile("/ws/**/*.java");
    assertTrue(deep.matches("/ws/A.java"), "** may absorb zero segments");
    assertTrue(deep.matches("/ws/a/b/c/A.java"));
    assertFalse(deep.matches("/ws/a/b/c/A.javax"));
    assertFalse(deep.matches("/wsx/A.java"));
    assertTrue(SegmentGlob.compile("a**b").matches("axxb"), "** inside a segment is just two *");
    assertFalse(SegmentGlob.compile("a**b").matches("ax/xb"));
  }

  @Test
  void emptyOrNullPatternIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> SegmentGlob.compile(""));
    assertThrows(IllegalArgumentException.class, () -> SegmentGlob.compile(null));
  }

  /** The javadoc of {@link SegmentGlob#compile}: "an empty segment in the middle is refused". */
  @Test
  void emptyMiddleSegmentIsLiteral() {
    SegmentGlob glob = SegmentGlob.compile("a//b");
    assertTrue(glob.matches("a//b"));
    assertFalse(glob.matches("a/b"));
    assertFalse(glob.matches("a/x/b"));
  }

  @Test
  void hostilePatternsStayFast() {
    // a hang guard, not a speed target: backtracking matchers take exponential time on these patterns
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      SegmentGlob stars = SegmentGlob.compile("*".repeat(2000) + "c");
      assertFalse(stars.matches("a".repeat(2000)));
      SegmentGlob deep = SegmentGlob.compile("**/".repeat(300) + "c");
      assertFalse(deep.matches("a/".repeat(300) + "b"));
      assertFalse(deep.covers(SegmentGlob.compile("**/".repeat(300) + "b")));
    });
  }

  // ---------------------------------------------------------------- covers()

  @Property(tries = 2000)
  void coversIsSound(@ForAll("patterns") String a, @ForAll("patterns") String other, @ForAll Random random) {
    // half of the time b is a narrowing of a, so that covers() is exercised on its positive side too
    String b = random.nextBoolean() ? other : specialize(a, random);
    if (b.isEmpty()) {
      return;
    }
    SegmentGlob ga = SegmentGlob.compile(a);
    SegmentGlob gb = SegmentGlob.compile(b);
    boolean covers = ga.covers(gb);
    Statistics.label("covers").collect(covers);
    Statistics.label("covers").coverage(c -> c.check(true).percentage(p -> p > 20));
    if (!covers) {
      return;
    }
    for (int i = 0; i < 25; i++) {
      String instance = instantiate(b, random);
      if (!gb.matches(instance)) {
        throw new AssertionError("generator: \"" + b + "\" should match its instance \"" + instance + "\"");
      }
      if (!ga.matches(instance)) {
        throw new AssertionError("\"" + a + "\" covers \"" + b + "\" but does not match \"" + instance + "\"");
      }
    }
  }

  /** Narrowing a pattern (fewer wildcards, expanded `**`) always yields a covered pattern. */
  @Property(tries = 1000)
  void coversNarrowings(@ForAll("patterns") String a, @ForAll Random random) {
    String b = specialize(a, random);
    if (b.isEmpty()) {
      return;
    }
    assertTrue(SegmentGlob.compile(a).covers(SegmentGlob.compile(b)), "\"" + a + "\" should cover \"" + b + "\"");
  }

  @Property(tries = 500)
  void coversIsReflexive(@ForAll("patterns") String a) {
    SegmentGlob glob = SegmentGlob.compile(a);
    assertTrue(glob.covers(glob), a);
    assertTrue(glob.covers(SegmentGlob.compile(a)), a);
  }

  @Property(tries = 500)
  void anyDepthCoversEverything(@ForAll("patterns") String a) {
    assertTrue(SegmentGlob.compile("**").covers(SegmentGlob.compile(a)), a);
  }

  @Property(tries = 1000)
  void literalsCoverExactlyThemselves(@ForAll("literals") String a, @ForAll("literals") String b) {
    boolean covers = SegmentGlob.compile(a).covers(SegmentGlob.compile(b));
    if (covers != a.equals(b)) {
      throw new AssertionError("\"" + a + "\".covers(\"" + b + "\") = " + covers);
    }
  }

  /** Against a literal child, covers() is exact: it is the same question as matches(). */
  @Property(tries = 1000)
  void coversLiteralIsMatches(@ForAll("patterns") String a, @ForAll("literals") String literal) {
    SegmentGlob glob = SegmentGlob.compile(a);
    if (glob.covers(SegmentGlob.compile(literal)) != glob.matches(literal)) {
      throw new AssertionError("\"" + a + "\" vs literal \"" + literal + "\"");
    }
  }

  @Test
  void wildcardsOfTheChildAreOnlyAbsorbedByWildcards() {
    assertFalse(SegmentGlob.compile("a/*").covers(SegmentGlob.compile("a/**")), "* cannot absorb **");
    assertFalse(SegmentGlob.compile("a/b").covers(SegmentGlob.compile("a/*")), "a literal cannot absorb *");
    assertFalse(SegmentGlob.compile("a/*/**").covers(SegmentGlob.compile("a/**")), "** may be empty");
    assertTrue(SegmentGlob.compile("a/**").covers(SegmentGlob.compile("a/*/**")));
    assertTrue(SegmentGlob.compile("a*").covers(SegmentGlob.compile("ab*c*")));
    assertFalse(SegmentGlob.compile("a*c").covers(SegmentGlob.compile("a*")));
  }
}
