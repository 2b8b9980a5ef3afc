package dev.arcpgateway.ui;

import dev.arcpgateway.transport.http.RouteGroup;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dashboard at {@code /ui/}: static HTML, CSS and ES modules from the jar ({@code webroot/ui}), no build step
 * and nothing fetched from elsewhere. The page is an ARCP client of this gateway over WebSocket; the only thing it
 * asks the server besides its files is {@code /ui/config.json}, which tells it the ARCP path.
 *
 * <p>Caching: the assets keep their names across releases, so browsers may reuse them for a few minutes and then
 * revalidate ({@code Last-Modified}); the page and its configuration are revalidated on every load. A content
 * security policy keeps the page to its own origin.
 */
public final class DashboardRoutes implements RouteGroup {

  static final long ASSET_MAX_AGE_SECONDS = 300;
  /**
   * Only this gateway's own scripts, styles and socket: what a job's events contain is shown as text, and even an
   * injected script would have nowhere to send it.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
      + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final String arcpPath;

  /** @param arcpPath where this gateway serves ARCP, which the page connects to */
  public DashboardRoutes(String arcpPath) {
    this.arcpPath = arcpPath;
  }

  @Override
  public void mount(Router router) {
    router.get("/ui").handler(context -> {
      if (context.request().path().equals("/ui")) {
        context.redirect("/ui/");
      } else {
        context.next(); // the router matches "/ui/" here too
      }
    });
    router.get("/ui/config.json").handler(context -> {
      context.response().putHeader("Cache-Control", "no-cache");
      context.json(new JsonObject().put("arcp_path", arcpPath));
    });
    router.get("/ui/*").handler(context -> {
      String path = context.normalizedPath();
      boolean page = path.equals("/ui/") || path.endsWith(".html");
      // StaticHandler writes "immutable", which only content-hashed names may promise: replaced as headers go out
      context.addHeadersEndHandler(v -> context.response()
          .putHeader("Cache-Control", page ? "no-cache" : "public, max-age=" + ASSET_MAX_AGE_SECONDS)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY));
      context.next();
    });
    router.get("/ui/*").handler(StaticHandler.create("webroot/ui")
        .setCachingEnabled(true)
        .setMaxAgeSeconds(ASSET_MAX_AGE_SECONDS)
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setDefaultContentEncoding("UTF-8"));
  }
}
