package dev.arcpgateway.protocol;

import java.util.Optional;

/**
 * The fifteen error codes of ARCP §12, each with the {@code retryable} value the gateway sends by default.
 *
 * <p>{@code LEASE_EXPIRED} and {@code BUDGET_EXHAUSTED} are never retryable and {@code INTERNAL_ERROR} always
 * is (§12); the TypeScript client drops frames that break these three rules, so they cannot be overridden.
 */
public enum ErrorCode {
  PERMISSION_DENIED(false),
  LEASE_SUBSET_VIOLATION(false),
  JOB_NOT_FOUND(false),
  DUPLICATE_KEY(false),
  AGENT_NOT_AVAILABLE(false),
  AGENT_VERSION_NOT_AVAILABLE(false),
  CANCELLED(false),
  /** Resubmitting with a longer {@code max_runtime_sec} can succeed. */
  TIMEOUT(true),
  RESUME_WINDOW_EXPIRED(false),
  /** The transport died, not the session: reconnecting and resuming is the expected reaction. */
  HEARTBEAT_LOST(true),
  LEASE_EXPIRED(false),
  BUDGET_EXHAUSTED(false),
  INVALID_REQUEST(false),
  UNAUTHENTICATED(false),
  INTERNAL_ERROR(true);

  private final boolean defaultRetryable;

  ErrorCode(boolean defaultRetryable) {
    this.defaultRetryable = defaultRetryable;
  }

  public boolean defaultRetryable() {
    return defaultRetryable;
  }

  /** The retryable flag to put on the wire when a caller asks for {@code requested}. */
  public boolean retryable(boolean requested) {
    return switch (this) {
      case LEASE_EXPIRED, BUDGET_EXHAUSTED -> false;
      case INTERNAL_ERROR -> true;
      default -> requested;
    };
  }

  public static Optional<ErrorCode> fromWire(String code) {
    if (code == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(code));
    } catch (IllegalArgumentException unknown) {
      return Optional.empty();
    }
  }
}
