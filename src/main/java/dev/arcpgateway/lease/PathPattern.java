package dev.arcpgateway.lease;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A filesystem path glob ({@code fs.read}, {@code fs.write}). Patterns and paths are absolute and normalised
 * before matching ({@code .}, {@code ..} and repeated slashes resolved), so {@code /ws/app/../../etc/passwd}
 * is checked as {@code /etc/passwd} and {@code ..} can never escape a grant.
 */
public record PathPattern(String source, SegmentGlob glob) implements ResourcePattern {

  static PathPattern compile(String pattern) {
    return new PathPattern(pattern, SegmentGlob.compile(normalize(pattern)));
  }

  @Override
  public boolean matches(String resource) {
    if (resource == null || !resource.startsWith("/")) {
      return false; // relative paths have no meaning without a working directory: never granted
    }
    return glob.matches(normalize(resource));
  }

  @Override
  public boolean covers(ResourcePattern child) {
    return child instanceof PathPattern path && glob.covers(path.glob);
  }

  /** Resolves {@code .}, {@code ..} and empty segments of an absolute path; {@code ..} stops at the root. */
  static String normalize(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("paths must be absolute");
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String segment : SegmentGlob.split(path.substring(1))) {
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
}
