package dev.arcpgateway.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link AgentRef}: {@code agent ::= name | name "@" version} (§7.5). */
class AgentRefTest {

  @Test
  void bareAndPinnedReferences() {
    AgentRef bare = AgentRef.parse("code-refactor");
    assertEquals("code-refactor", bare.name());
    assertNull(bare.version());
    assertFalse(bare.pinned());
    assertEquals("code-refactor", bare.toString());
    AgentRef pinned = AgentRef.parse("code-refactor@2.0.0");
    assertEquals(new AgentRef("code-refactor", "2.0.0"), pinned);
    assertTrue(pinned.pinned());
    assertEquals("code-refactor@2.0.0", pinned.toString());
    assertEquals(new AgentRef("a.b_c-9", "V1.0.0-rc.1+build_7"), AgentRef.parse("a.b_c-9@V1.0.0-rc.1+build_7"));
    assertEquals(new AgentRef("0", "0"), AgentRef.parse("0@0"));
  }

  @Test
  void malformedReferencesAreInvalidRequests() {
    for (String bad : Arrays.asList(null, "", "Code", "code-Refactor", "-a", "_a", ".a", "a b", "a/b", "a:b",
        "a@", "@1.0", "@", "a@1@2", "a@1 0", "a@1/0", "a@1:0", "é", "a@é", " a", "a ")) {
      ArcpException e = assertThrows(ArcpException.class, () -> AgentRef.parse(bad), String.valueOf(bad));
      assertEquals(ErrorCode.INVALID_REQUEST, e.code(), bad);
    }
    assertThrows(ArcpException.class, () -> AgentRef.of("ok", ""));
  }

  @Provide
  Arbitrary<String> names() {
    return Combinators.combine(
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1),
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("._-").ofMaxLength(12))
        .as((a, b) -> a + b);
  }

  @Provide
  Arbitrary<String> versions() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
        .withChars(".+_-").ofMinLength(1).ofMaxLength(12);
  }

  @Property(tries = 500)
  void grammarRoundTrips(@ForAll("names") String name, @ForAll("versions") String version) {
    assertEquals(new AgentRef(name, null), AgentRef.parse(name));
    AgentRef ref = AgentRef.parse(name + "@" + version);
    assertEquals(new AgentRef(name, version), ref);
    assertEquals(ref, AgentRef.parse(ref.toString()));
  }

  /** Any string, from an alphabet around the grammar's edges: accepted exactly when the grammar's pattern matches. */
  @Property(tries = 2000)
  void namesAndVersionsAreAcceptedExactlyAsTheirPatternsSay(@ForAll("nearlyNames") String text) {
    boolean name = text.matches("[a-z0-9][a-z0-9._-]*");
    boolean version = text.matches("[a-zA-Z0-9.+_-]+");
    assertEquals(name, accepted(() -> new AgentRef(text, null)), "name " + text);
    assertEquals(version, accepted(() -> new AgentRef("a", text)), "version " + text);
  }

  @Provide
  Arbitrary<String> nearlyNames() {
    return Arbitraries.strings().withCharRange('a', 'c').withCharRange('x', 'z').withCharRange('A', 'B')
        .withCharRange('Y', 'Z').withCharRange('0', '1').withCharRange('8', '9').withChars("._-+@/ `{:ßé\u0130")
        .ofMinLength(0).ofMaxLength(6);
  }

  private static boolean accepted(Runnable build) {
    try {
      build.run();
      return true;
    } catch (ArcpException refused) {
      return false;
    }
  }
}
