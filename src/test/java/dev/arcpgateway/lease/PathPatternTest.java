package dev.arcpgateway.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/** {@link PathPattern}: normalisation before matching, so that {@code ..} can never escape a grant. */
class PathPatternTest {

  /** Reference normalisation: drop empty and "." segments, ".." removes the previous one (stops at root). */
  static String normalise(String absolute) {
    Deque<String> parts = new ArrayDeque<>();
    for (String segment : absolute.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(segment);
      }
    }
    return "/" + String.join("/", parts);
  }

  @Provide
  Arbitrary<String> grantNames() {
    return Arbitraries.strings().withChars("abx").ofMinLength(1).ofMaxLength(3);
  }

  @Provide
  Arbitrary<List<String>> pathSegments() {
    return Arbitraries.of("ws", "ws", "X", "X", "a", "b", "x", "ab", "..", ".", "", "...", "..a", ".a", "*", "**")
        .list().ofMinSize(0).ofMaxSize(9);
  }

  @Property(tries = 4000)
  void dotDotNeverEscapesAGrant(@ForAll("grantNames") String x, @ForAll("pathSegments") List<String> segments,
                                @ForAll boolean doubleSlashPrefix) {
    String grant = "/ws/" + x + "/**";
    // "X" stands for the granted directory name, so that generated paths often walk into (and out of) the grant
    String path = (doubleSlashPrefix ? "//" : "/") + String.join("/", segments).replace("X", x);
    String normalised = normalise(path);
    String root = "/ws/" + x;
    boolean expected = normalised.equals(root) || normalised.startsWith(root + "/");
    Statistics.label("inside").collect(expected);
    Statistics.label("inside").coverage(c -> c.check(true).count(n -> n >= 20));
    boolean actual = ResourcePattern.compile(Capability.FS_READ, grant).matches(path);
    if (actual != expected) {
      throw new AssertionError(grant + " matches " + path + " (normalised " + normalised + ") = " + actual);
    }
  }

  /** Paths built as grant-prefix + "/" + tail: the tail's ".." count decides whether they escape. */
  @Property(tries = 3000)
  void prefixedPathsEscapeExactlyWhenDotDotClimbsOut(@ForAll("grantNames") String x,
                                                      @ForAll("pathSegments") List<String> tail) {
    String grant = "/ws/" + x + "/**";
    String path = "/ws/" + x + "/" + String.join("/", tail).replace("X", x);
    String normalised = normalise(path);
    boolean expected = normalised.equals("/ws/" + x) || normalised.startsWith("/ws/" + x + "/");
    Statistics.label("inside").collect(expected);
    Statistics.label("inside").coverage(c -> c.check(false).count(n -> n >= 50));
    assertEquals(expected, ResourcePattern.compile(Capability.FS_WRITE, grant).matches(path), path);
  }

  @Property(tries = 1000)
  void relativePathsAreNeverMatched(@ForAll("pathSegments") List<String> segments) {
    String path = String.join("/", segments).replace("X", "ws");
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path.startsWith("/")) {
      return;
    }
    for (String grant : List.of("/**", "/ws/**", "/**/*")) {
      assertFalse(ResourcePattern.compile(Capability.FS_READ, grant).matches(path), grant + " vs " + path);
    }
  }

  @Test
  void examples() {
    ResourcePattern app = ResourcePattern.compile(Capability.FS_READ, "/workspace/myapp/**");
    assertTrue(app.matches("/workspace/myapp/src/A.java"));
    assertTrue(app.matches("/workspace/myapp"));
    assertTrue(app.matches("/workspace//myapp/./src/../README"));
    assertFalse(app.matches("/workspace/myapp/../../etc/passwd"));
    assertFalse(app.matches("/workspace/myapp/.."));
    assertFalse(app.matches("/workspace/myapp2/x"));
    assertFalse(app.matches("/../workspace/other"));
    assertTrue(app.matches("/../workspace/myapp/x"), ".. stops at the root");
    assertFalse(app.matches("workspace/myapp/x"));
    assertFalse(app.matches(""));
    assertFalse(app.matches(null));
  }

  @Test
  void patternsAreNormalisedToo() {
    ResourcePattern p = ResourcePattern.compile(Capability.FS_READ, "/ws/app/../lib/**");
    assertTrue(p.matches("/ws/lib/x"));
    assertFalse(p.matches("/ws/app/x"));
    assertEquals("/ws/app/../lib/**", p.source(), "source stays as granted");
  }

  @Test
  void relativeOrEmptyPatternsAreInvalidRequests() {
    for (String bad : List.of("ws/**", "**", "", "./ws")) {
      ArcpException e = assertThrows(ArcpException.class, () -> ResourcePattern.compile(Capability.FS_READ, bad),
          bad);
      assertEquals(ErrorCode.INVALID_REQUEST, e.code(), bad);
    }
  }
}
