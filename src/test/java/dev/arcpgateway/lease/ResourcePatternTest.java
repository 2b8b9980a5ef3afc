package dev.arcpgateway.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * Lease subsetting (§9.4) through {@link ResourcePattern#covers}, for each namespace kind: whenever a parent
 * pattern covers a child, every resource the child allows is allowed by the parent.
 */
class ResourcePatternTest {

  // ---------------------------------------------------------------- shared helpers

  /** A child for {@code parent}: a narrowing of it most of the time, else an unrelated pattern. */
  private static String childOf(String parent, String unrelated, Random random) {
    return random.nextInt(4) == 0 ? unrelated : SegmentGlobTest.specialize(parent, random);
  }

  /** Replaces wildcards with text over {@code alphabet}; `**` segments become 0..2 segments. */
  private static String instantiate(String glob, Random random, String alphabet, String separator, int minLength) {
    List<String> out = new ArrayList<>();
    for (String segment : glob.split(java.util.regex.Pattern.quote(separator), -1)) {
      if (segment.equals("**")) {
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
          out.add(text(random, alphabet, Math.max(1, minLength)));
        }
      } else {
        StringBuilder s = new StringBuilder();
        for (char c : segment.toCharArray()) {
          s.append(c == '*' ? text(random, alphabet, minLength) : String.valueOf(c));
        }
        out.add(s.toString());
      }
    }
    return String.join(separator, out);
  }

  private static String text(Random random, String alphabet, int minLength) {
    int n = minLength + random.nextInt(3);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private static void checkSound(String namespace, String parent, String child, List<String> instances) {
    ResourcePattern p = ResourcePattern.compile(namespace, parent);
    ResourcePattern c = ResourcePattern.compile(namespace, child);
    boolean covers = p.covers(c);
    Statistics.label("covers").collect(covers);
    Statistics.label("covers").coverage(k -> k.check(true).percentage(x -> x > 25));
    if (!covers) {
      return;
    }
    for (String resource : instances) {
      boolean childAllows = c.matches(resource);
      Statistics.label("child allows instance").collect(childAllows);
      if (childAllows && !p.matches(resource)) {
        throw new AssertionError(namespace + " " + parent + " covers " + child + " but refuses " + resource);
      }
    }
  }

  // ---------------------------------------------------------------- path (fs.read / fs.write)

  @Provide
  Arbitrary<String> pathGlobs() {
    return Arbitraries.of("ws", "app", "src", "*", "**", "a*", "*.java", "..", ".", "")
        .list().ofMinSize(1).ofMaxSize(5).map(l -> "/" + String.join("/", l));
  }

  @Property(tries = 1000)
  void pathSubsettingIsSound(@ForAll("pathGlobs") String parent, @ForAll("pathGlobs") String other,
                             @ForAll Random random) {
    String narrowed = childOf(parent, other, random);
    String child = narrowed.startsWith("/") ? narrowed : "/" + narrowed; // "/**" may narrow to ""
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String path = instantiate(child, random, "abs.", "/", 0);
      // sprinkle "." and ".." round trips, which must not change anything
      instances.add(random.nextBoolean() ? path : path.replaceFirst("/", "/./x/../"));
    }
    checkSound(Capability.FS_READ, parent, child, instances);
  }

  @Test
  void pathSubsetExamples() {
    assertCovers(Capability.FS_WRITE, "/ws/app/**", "/ws/app/src/**");
    assertCovers(Capability.FS_WRITE, "/ws/app/**", "/ws/app/src/*.java");
    assertCovers(Capability.FS_WRITE, "/ws/app*/**", "/ws/app2/**");
    assertCovers(Capability.FS_WRITE, "/ws/app/**", "/ws/app/x/../y/**");
    assertNotCovers(Capability.FS_WRITE, "/ws/app/**", "/ws/**");
    assertNotCovers(Capability.FS_WRITE, "/ws/app/**", "/ws/app/../**");
    assertNotCovers(Capability.FS_WRITE, "/ws/app/**", "/ws/app2/**");
    assertNotCovers(Capability.FS_WRITE, "/ws/app/*", "/ws/app/**");
    assertNotCovers(Capability.FS_WRITE, "/ws/app/src/**", "/ws/app/*/**");
  }

  // ---------------------------------------------------------------- url (net.fetch)

  @Provide
  Arbitrary<String> urlGlobs() {
    Arbitrary<String> scheme = Arbitraries.of("https", "http", "*");
    Arbitrary<String> host = Arbitraries.of("*", "**", "api", "a*").list().ofMaxSize(2)
        .map(l -> String.join(".", l) + (l.isEmpty() ? "" : ".") + "example.com");
    Arbitrary<String> port = Arbitraries.of("", "", ":8080", ":443", ":*");
    Arbitrary<String> path = Arbitraries.of("v1", "*", "**", "a*", "..").list().ofMaxSize(3)
        .map(l -> l.isEmpty() ? "" : "/" + String.join("/", l));
    return net.jqwik.api.Combinators.combine(scheme, host, port, path).as((s, h, o, p) -> s + "://" + h + o + p);
  }

  /** A narrowing of a URL glob, component by component. */
  private static String narrowUrl(String url, Random random) {
    UrlParts u = UrlParts.of(url);
    String scheme = u.scheme.equals("*") ? List.of("https", "http", "*").get(random.nextInt(3)) : u.scheme;
    String host = SegmentGlobTest.specialize(u.host.replace('.', '/'), random).replace('/', '.');
    String port = u.port.equals(":*") ? List.of(":*", ":8080", "").get(random.nextInt(3)) : u.port;
    String path = u.path.isEmpty() ? "" : SegmentGlobTest.specialize(u.path, random);
    if (host.isEmpty() || host.startsWith(".") || host.endsWith(".") || host.contains("..")) {
      host = u.host;
    }
    return scheme + "://" + host + port + (path.isEmpty() || path.startsWith("/") ? path : "/" + path);
  }

  private record UrlParts(String scheme, String host, String port, String path) {
    static UrlParts of(String url) {
      int sep = url.indexOf("://");
      String rest = url.substring(sep + 3);
      int slash = rest.indexOf('/');
      String authority = slash < 0 ? rest : rest.substring(0, slash);
      int colon = authority.indexOf(':');
      return new UrlParts(url.substring(0, sep), colon < 0 ? authority : authority.substring(0, colon),
          colon < 0 ? "" : authority.substring(colon), slash < 0 ? "" : rest.substring(slash));
    }
  }

  private static String instantiateUrl(String glob, Random random) {
    UrlParts u = UrlParts.of(glob);
    String scheme = u.scheme.equals("*") ? List.of("https", "http", "ftp").get(random.nextInt(3)) : u.scheme;
    String host = instantiate(u.host, random, "abc", ".", 1);
    String port = u.port.equals(":*") ? List.of("", ":8080", ":443", ":80").get(random.nextInt(4)) : u.port;
    String path = u.path.isEmpty() ? "" : instantiate(u.path, random, "abc", "/", 0);
    String query = random.nextInt(4) == 0 ? "?q=1#frag" : "";
    return scheme + "://" + host + port + path + query;
  }

  @Property(tries = 1000)
  void urlSubsettingIsSound(@ForAll("urlGlobs") String parent, @ForAll("urlGlobs") String other,
                            @ForAll Random random) {
    String child = random.nextInt(4) == 0 ? other : narrowUrl(parent, random);
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      instances.add(instantiateUrl(child, random));
    }
    checkSound(Capability.NET_FETCH, parent, child, instances);
  }

  @Test
  void urlSubsetExamples() {
    assertCovers(Capability.NET_FETCH, "https://**.example.com/**", "https://api.example.com/v1/**");
    assertCovers(Capability.NET_FETCH, "https://*.example.com/**", "https://api.example.com/**");
    assertCovers(Capability.NET_FETCH, "https://api.example.com/**", "https://api.example.com:443/v1/*");
    assertCovers(Capability.NET_FETCH, "*://api.example.com:*/**", "http://api.example.com:8080/x");
    assertNotCovers(Capability.NET_FETCH, "https://*.example.com/**", "https://**.example.com/**");
    assertNotCovers(Capability.NET_FETCH, "https://*.example.com/**", "https://a.b.example.com/**");
    assertNotCovers(Capability.NET_FETCH, "https://api.example.com/**", "http://api.example.com/**");
    assertNotCovers(Capability.NET_FETCH, "https://api.example.com/**", "*://api.example.com/**");
    assertNotCovers(Capability.NET_FETCH, "https://api.example.com/**", "https://api.example.com:8443/**");
    assertNotCovers(Capability.NET_FETCH, "https://api.example.com/v1/**", "https://api.example.com/**");
  }

  @Test
  void urlMatchExamples() {
    ResourcePattern p = ResourcePattern.compile(Capability.NET_FETCH, "https://*.example.com/api/**");
    assertTrue(p.matches("https://www.example.com/api/x?y=1#z"));
    assertTrue(p.matches("HTTPS://WWW.Example.COM:443/api"));
    assertFalse(p.matches("https://a.b.example.com/api/x"), "* is one label");
    assertFalse(p.matches("https://example.com/api/x"));
    assertFalse(p.matches("http://www.example.com/api/x"), "scheme and default port differ");
    assertFalse(p.matches("https://www.example.com:8443/api/x"));
    assertFalse(p.matches("https://user@www.example.com/api/x"), "user info is refused");
    assertFalse(p.matches("https://www.example.com/api/../admin"));
    assertFalse(p.matches("https://www.example.com.evil.net/api/x"));
    assertFalse(p.matches("not a url"));
    assertFalse(p.matches(null));
  }

  /**
   * RFC 3986 §6.2.2.2: percent-encoded unreserved characters are equivalent to the characters, so
   * {@code %2e%2e} is a {@code ..} segment (WHATWG URL parsers, and with them most HTTP stacks, resolve it as
   * one). Matching the raw path lets a fetch climb out of a path grant.
   */
  @Test
  void percentEncodedDotSegmentsDoNotEscapeAUrlGrant() {
    ResourcePattern p = ResourcePattern.compile(Capability.NET_FETCH, "https://api.example.com/public/**");
    assertFalse(p.matches("https://api.example.com/public/%2e%2e/admin"));
    assertFalse(p.matches("https://api.example.com/public/%2E%2E/admin"));
    assertFalse(p.matches("https://api.example.com/public/.%2e/admin"));
  }

  @Test
  void malformedUrlPatternsAreInvalidRequests() {
    for (String bad : List.of("example.com/**", "://x", "https://", "https://user@x.com/", "https://x.com:abc/",
        "https://x.com/a//b/../")) {
      if (bad.equals("https://x.com/a//b/../")) {
        ResourcePattern.compile(Capability.NET_FETCH, bad); // a normalisable path is fine
        continue;
      }
      ArcpException e = assertThrows(ArcpException.class, () -> ResourcePattern.compile(Capability.NET_FETCH, bad),
          bad);
      assertEquals(ErrorCode.INVALID_REQUEST, e.code(), bad);
    }
  }

  // ---------------------------------------------------------------- name (tool.call, agent.delegate, model.use)

  @Provide
  Arbitrary<String> nameGlobs() {
    return Arbitraries.of("tier-fast", "tier-*", "gpt-4o*", "*", "**", "claude-*-haiku", "a")
        .list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
  }

  @Property(tries = 1000)
  void nameSubsettingIsSound(@ForAll("nameGlobs") String parent, @ForAll("nameGlobs") String other,
                             @ForAll Random random) {
    String child = childOf(parent, other, random);
    if (child.isEmpty()) {
      return;
    }
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      instances.add(instantiate(child, random, "ab-.", "/", 0));
    }
    for (String namespace : List.of(Capability.MODEL_USE, Capability.TOOL_CALL, "x-vendor.acme")) {
      checkSound(namespace, parent, child, instances);
    }
  }

  @Test
  void nameSubsetExamples() {
    assertCovers(Capability.MODEL_USE, "tier-fast/*", "tier-fast/mini");
    assertCovers(Capability.MODEL_USE, "anthropic/claude-3-*", "anthropic/claude-3-haiku-*");
    assertCovers(Capability.AGENT_DELEGATE, "code-*", "code-refactor");
    assertCovers(Capability.TOOL_CALL, "**", "fs/read");
    assertNotCovers(Capability.MODEL_USE, "tier-fast/*", "tier-fast/**");
    assertNotCovers(Capability.MODEL_USE, "tier-fast/*", "tier-*/*");
    assertNotCovers(Capability.MODEL_USE, "tier-fast/*", "**");
    assertNotCovers(Capability.AGENT_DELEGATE, "code-refactor", "code-*");
    assertFalse(ResourcePattern.compile(Capability.TOOL_CALL, "**").matches(""), "empty names are never allowed");
  }

  @Test
  void kindsNeverCoverEachOther() {
    ResourcePattern path = ResourcePattern.compile(Capability.FS_READ, "/**");
    ResourcePattern url = ResourcePattern.compile(Capability.NET_FETCH, "*://**/**");
    ResourcePattern name = ResourcePattern.compile(Capability.TOOL_CALL, "**");
    assertInstanceOf(PathPattern.class, path);
    assertInstanceOf(UrlPattern.class, url);
    assertInstanceOf(NamePattern.class, name);
    assertFalse(path.covers(name));
    assertFalse(path.covers(url));
    assertFalse(url.covers(path));
    assertFalse(name.covers(path));
    assertFalse(name.covers(url));
  }

  @Test
  void costBudgetIsNotAPatternNamespace() {
    ArcpException e = assertThrows(ArcpException.class,
        () -> ResourcePattern.compile(Capability.COST_BUDGET, "USD:5"));
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
  }

  private static void assertCovers(String namespace, String parent, String child) {
    assertTrue(ResourcePattern.compile(namespace, parent).covers(ResourcePattern.compile(namespace, child)),
        parent + " should cover " + child);
  }

  private static void assertNotCovers(String namespace, String parent, String child) {
    assertFalse(ResourcePattern.compile(namespace, parent).covers(ResourcePattern.compile(namespace, child)),
        parent + " should not cover " + child);
  }
}
