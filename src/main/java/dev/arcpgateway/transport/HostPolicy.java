package dev.arcpgateway.transport;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Host / Origin allowlist of the WebSocket upgrade (defends against DNS rebinding and cross-site pages).
 * By default only loopback names are allowed as Host (plus the bind address when it is a concrete host) and
 * only loopback pages and the gateway's own pages as Origin; requests without an Origin (non-browser clients) are
 * allowed. {@code *} allows anything.
 */
public final class HostPolicy {

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

  private final List<String> hosts;
  private final List<String> origins;

  public HostPolicy(List<String> allowedHosts, List<String> allowedOrigins, String bindHost) {
    if (allowedHosts.isEmpty()) {
      boolean wildcard = bindHost.equals("0.0.0.0") || bindHost.equals("::") || bindHost.equals("[::]");
      this.hosts = wildcard ? List.copyOf(LOOPBACK) : List.copyOf(concat(LOOPBACK, bindHost));
    } else {
      this.hosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }
    this.origins = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
  }

  private static List<String> concat(Set<String> base, String extra) {
    java.util.ArrayList<String> all = new java.util.ArrayList<>(base);
    all.add(extra.toLowerCase(Locale.ROOT));
    return all;
  }

  /** True when the upgrade's {@code Host} header (port ignored) is allowed. */
  public boolean hostAllowed(String hostHeader) {
    if (hosts.contains("*")) {
      return true;
    }
    if (hostHeader == null) {
      return false;
    }
    return hosts.contains(stripPort(hostHeader.toLowerCase(Locale.ROOT)));
  }

  /**
   * True when there is no {@code Origin} header, or it is allowed: listed, loopback by default, or the gateway's
   * own origin — a page it served itself (the dashboard at {@code /ui/}) whose origin names the same host and port
   * as the upgrade's {@code Host}, which {@link #hostAllowed} checks against DNS rebinding.
   */
  public boolean originAllowed(String origin, String hostHeader) {
    if (origin == null || origins.contains("*")) {
      return true;
    }
    String normalized = origin.toLowerCase(Locale.ROOT);
    if (origins.contains(normalized)) {
      return true;
    }
    URI uri;
    try {
      uri = new URI(normalized);
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    boolean web = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    if (web && hostHeader != null && authority(uri).equals(withPort(hostHeader.toLowerCase(Locale.ROOT),
        uri.getScheme()))) {
      return true;
    }
    return origins.isEmpty() && web && LOOPBACK.contains(uri.getHost());
  }

  /** {@code host:port} of a web origin, the port made explicit. */
  private static String authority(URI uri) {
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    return uri.getHost() + ":" + port;
  }

  /** A {@code Host} header with its port made explicit, for the scheme its page was served with. */
  private static String withPort(String host, String scheme) {
    String bare = stripPort(host);
    return bare.length() < host.length() ? host : bare + ":" + ("https".equals(scheme) ? 443 : 80);
  }

  static String stripPort(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.indexOf(':');
    return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.substring(0, colon) : host;
  }
}
