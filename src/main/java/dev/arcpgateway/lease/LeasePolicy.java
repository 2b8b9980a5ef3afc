package dev.arcpgateway.lease;

/**
 * Turns what a principal asks for into what it gets (§9.1): the effective lease is the request narrowed by
 * this policy. The default grants what is asked.
 */
@FunctionalInterface
public interface LeasePolicy {

  LeasePolicy GRANT_REQUESTED = (principal, requested) -> requested;

  /** The effective lease for {@code principal}; must only ever remove grants from {@code requested}. */
  Lease narrow(String principal, Lease requested);
}
