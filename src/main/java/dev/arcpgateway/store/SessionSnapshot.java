package dev.arcpgateway.store;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the store keeps of a session so that a reconnecting client can find it, and, after a restart, so that the
 * gateway can bring it back.
 *
 * @param sessionId       the session id
 * @param principal       the authenticated principal
 * @param resumeTokenHash SHA-256 of the current resume token (the token itself is never stored)
 * @param createdAt       when the session was welcomed first
 * @param expiresAt       when a parked session stops being resumable (null while attached)
 * @param scopes          the principal's scopes
 * @param features        the negotiated features
 * @param delegated       whether the session was opened with a delegation token (§10), which is not stored, so
 *                        such a session cannot be brought back after a restart
 */
public record SessionSnapshot(String sessionId, String principal, String resumeTokenHash, Instant createdAt,
                              Instant expiresAt, Set<String> scopes, List<String> features, boolean delegated) {

  public SessionSnapshot {
    scopes = Set.copyOf(scopes);
    features = List.copyOf(features);
  }

  /** A session of a principal without scopes that negotiated no features. */
  public SessionSnapshot(String sessionId, String principal, String resumeTokenHash, Instant createdAt,
                         Instant expiresAt) {
    this(sessionId, principal, resumeTokenHash, createdAt, expiresAt, Set.of(), List.of(), false);
  }

  /** The same session, resumable until {@code expiry}. */
  public SessionSnapshot expiringAt(Instant expiry) {
    return new SessionSnapshot(sessionId, principal, resumeTokenHash, createdAt, expiry, scopes, features, delegated);
  }
}
