package dev.arcpgateway.transport.http;

import io.vertx.ext.web.Router;

/**
 * A set of HTTP routes served on the gateway's port next to the ARCP endpoint (operations endpoints, pages).
 * {@link #mount} is called once per transport instance, on that instance's event loop, with its own router.
 */
@FunctionalInterface
public interface RouteGroup {

  /** Adds this group's routes to {@code router}. */
  void mount(Router router);
}
