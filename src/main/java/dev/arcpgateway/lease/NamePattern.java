package dev.arcpgateway.lease;

/**
 * A name glob ({@code tool.call}, {@code agent.delegate}, {@code model.use}, vendor namespaces): {@code *}
 * matches within one {@code /}-separated part ({@code tier-fast/*}), {@code **} across parts.
 */
public record NamePattern(String source, SegmentGlob glob) implements ResourcePattern {

  static NamePattern compile(String pattern) {
    return new NamePattern(pattern, SegmentGlob.compile(pattern));
  }

  @Override
  public boolean matches(String resource) {
    return resource != null && !resource.isEmpty() && glob.matches(resource);
  }

  @Override
  public boolean covers(ResourcePattern child) {
    return child instanceof NamePattern name && glob.covers(name.glob);
  }
}
