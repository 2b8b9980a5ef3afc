package dev.arcpgateway.lease;

import dev.arcpgateway.protocol.ArcpException;

/** One lease pattern, compiled for its namespace (§9.2): what it matches and which patterns it covers. */
public sealed interface ResourcePattern permits PathPattern, UrlPattern, NamePattern {

  /** The pattern as granted. */
  String source();

  /** True when the resource is allowed by this pattern. */
  boolean matches(String resource);

  /** True when everything {@code child} allows, this pattern allows too (delegation subsetting, §9.4). */
  boolean covers(ResourcePattern child);

  /** Compiles {@code pattern} for {@code namespace}; a malformed pattern is an INVALID_REQUEST. */
  static ResourcePattern compile(String namespace, String pattern) {
    try {
      return switch (Capability.kindOf(namespace)) {
        case PATH -> PathPattern.compile(pattern);
        case URL -> UrlPattern.compile(pattern);
        case NAME -> NamePattern.compile(pattern);
        case AMOUNT -> throw new IllegalArgumentException(namespace + " holds amounts, not patterns");
      };
    } catch (IllegalArgumentException e) {
      throw ArcpException.invalid("lease pattern " + namespace + " \"" + pattern + "\": " + e.getMessage());
    }
  }
}
