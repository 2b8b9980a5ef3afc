package dev.arcpgateway.store;

import java.time.Instant;

/**
 * What the store keeps of a session so that a reconnecting client can find it.
 *
 * @param sessionId       the session id
 * @param principal       the authenticated principal
 * @param resumeTokenHash SHA-256 of the current resume token (the token itself is never stored)
 * @param createdAt       when the session was welcomed first
 * @param expiresAt       when a parked session stops being resumable (null while attached)
 */
public record SessionSnapshot(String sessionId, String principal, String resumeTokenHash, Instant createdAt,
                              Instant expiresAt) {
}
