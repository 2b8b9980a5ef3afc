package dev.arcpgateway.lease;

import java.util.ArrayList;
import java.util.List;

/**
 * A glob over {@code /}-separated segments: {@code *} matches any run of characters inside one segment,
 * {@code **} (a whole segment) matches any number of segments, including none; everything else is literal.
 *
 * <p>Besides matching, a glob can decide whether another glob is covered by it ({@link #covers}): whether every
 * string the other matches, this one matches too. The check treats the other glob's wildcards as opaque symbols
 * that only this glob's wildcards may absorb, which is sound (it never says "covered" wrongly) and exact for
 * the patterns people write.
 */
public final class SegmentGlob {

  private static final String ANY_DEPTH = "**";
  private final String source;
  private final List<String> segments;

  private SegmentGlob(String source, List<String> segments) {
    this.source = source;
    this.segments = segments;
  }

  /** Compiles a pattern; an empty pattern is refused, empty segments are literal (path patterns are normalised first). */
  public static SegmentGlob compile(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("a pattern must not be empty");
    }
    return new SegmentGlob(pattern, split(pattern));
  }

  public String source() {
    return source;
  }

  /** True when {@code value} (split on {@code /}) is matched. */
  public boolean matches(String value) {
    return matchSegments(segments, 0, split(value), 0, false);
  }

  /** True when every string matched by {@code other} is matched by this glob. */
  public boolean covers(SegmentGlob other) {
    return matchSegments(segments, 0, other.segments, 0, true);
  }

  static List<String> split(String value) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= value.length(); i++) {
      if (i == value.length() || value.charAt(i) == '/') {
        out.add(value.substring(start, i));
        start = i + 1;
      }
    }
    return out;
  }

  /**
   * Segment-level matching by dynamic programming (no backtracking, so hostile patterns cost O(n·m)). With
   * {@code symbolic}, {@code value} is itself a glob: its {@code **} segments can only be absorbed by a
   * {@code **} here, and its {@code *} characters only by a {@code *} here.
   */
  private static boolean matchSegments(List<String> pattern, int p0, List<String> value, int v0, boolean symbolic) {
    int np = pattern.size();
    int nv = value.size();
    // reach[p][v]: pattern[p..] matches value[v..]
    boolean[][] reach = new boolean[np + 1][nv + 1];
    reach[np][nv] = true;
    for (int p = np - 1; p >= p0; p--) {
      String segment = pattern.get(p);
      boolean anyDepth = segment.equals(ANY_DEPTH);
      for (int v = nv; v >= v0; v--) {
        if (anyDepth) {
          // ** absorbs nothing, or one more segment (wildcards included)
          reach[p][v] = reach[p + 1][v] || (v < nv && reach[p][v + 1]);
        } else if (v < nv) {
          String candidate = value.get(v);
          boolean ok = !(symbolic && candidate.equals(ANY_DEPTH)) && matchSegment(segment, candidate, symbolic);
          reach[p][v] = ok && reach[p + 1][v + 1];
        }
      }
    }
    return reach[p0][v0];
  }

  /** Character-level matching of one segment, also by dynamic programming. */
  private static boolean matchSegment(String pattern, String value, boolean symbolic) {
    int np = pattern.length();
    int nv = value.length();
    boolean[] next = new boolean[nv + 1];
    boolean[] current = new boolean[nv + 1];
    next[nv] = true; // empty pattern matches empty rest
    for (int p = np - 1; p >= 0; p--) {
      char c = pattern.charAt(p);
      current[nv] = c == '*' && next[nv];
      for (int v = nv - 1; v >= 0; v--) {
        char d = value.charAt(v);
        if (c == '*') {
          current[v] = next[v] || current[v + 1]; // absorb nothing, or one more character (a * included)
        } else {
          current[v] = !(symbolic && d == '*') && c == d && next[v + 1];
        }
      }
      boolean[] swap = next;
      next = current;
      current = swap;
    }
    return next[0];
  }

  @Override
  public String toString() {
    return source;
  }
}
