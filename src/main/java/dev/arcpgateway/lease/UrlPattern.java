package dev.arcpgateway.lease;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A URL glob ({@code net.fetch}): {@code scheme://host[:port]/path}. The scheme is exact (or {@code *}), the
 * host is a glob over dot-separated labels ({@code *.example.com} matches one label, {@code **.example.com}
 * any number), the port defaults to the scheme's, and the path is a normalised path glob (percent-encoded dots
 * count as dots, encoded slashes are never granted); query and fragment of a fetched URL are ignored.
 */
public record UrlPattern(String source, String scheme, SegmentGlob host, String port, SegmentGlob path)
    implements ResourcePattern {

  static UrlPattern compile(String pattern) {
    int sep = pattern.indexOf("://");
    if (sep <= 0) {
      throw new IllegalArgumentException("a URL pattern is scheme://host/path");
    }
    String scheme = pattern.substring(0, sep).toLowerCase(Locale.ROOT);
    String rest = pattern.substring(sep + 3);
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "/" : rest.substring(slash);
    if (authority.isEmpty() || authority.contains("@")) {
      throw new IllegalArgumentException("a URL pattern needs a host and no user info");
    }
    String host = authority;
    String port = null;
    int colon = authority.lastIndexOf(':');
    if (colon >= 0 && !authority.endsWith("]")) {
      host = authority.substring(0, colon);
      port = authority.substring(colon + 1);
      if (!port.equals("*") && !port.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("port must be a number or *");
      }
    }
    if (port == null) {
      port = defaultPort(scheme);
    }
    return new UrlPattern(pattern, scheme, hostGlob(host.toLowerCase(Locale.ROOT)), port,
        SegmentGlob.compile(PathPattern.normalize(path)));
  }

  @Override
  public boolean matches(String resource) {
    URI uri;
    try {
      uri = new URI(resource);
    } catch (URISyntaxException | NullPointerException e) {
      return false;
    }
    if (uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null) {
      return false;
    }
    String resourceScheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("*") && !scheme.equals(resourceScheme)) {
      return false;
    }
    String resourcePort = uri.getPort() >= 0 ? String.valueOf(uri.getPort()) : defaultPort(resourceScheme);
    if (!port.equals("*") && !port.equals(resourcePort)) {
      return false;
    }
    String rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String lower = rawPath.toLowerCase(Locale.ROOT);
    if (lower.contains("%2f") || lower.contains("%5c")) {
      return false; // an encoded separator means something else to every server: never granted
    }
    // percent-encoded dots are dots to the upstream: resolve them before .. is normalised away
    rawPath = rawPath.replace("%2e", ".").replace("%2E", ".");
    return host.matches(uri.getHost().toLowerCase(Locale.ROOT).replace('.', '/'))
        && path.matches(PathPattern.normalize(rawPath));
  }

  @Override
  public boolean covers(ResourcePattern child) {
    if (!(child instanceof UrlPattern url)) {
      return false;
    }
    boolean schemeOk = scheme.equals("*") || scheme.equals(url.scheme);
    boolean portOk = port.equals("*") || port.equals(url.port);
    return schemeOk && portOk && host.covers(url.host) && path.covers(url.path);
  }

  private static SegmentGlob hostGlob(String host) {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("a URL pattern needs a host");
    }
    return SegmentGlob.compile(host.replace('.', '/'));
  }

  private static String defaultPort(String scheme) {
    return switch (scheme) {
      case "http", "ws" -> "80";
      case "https", "wss" -> "443";
      default -> "*";
    };
  }
}
