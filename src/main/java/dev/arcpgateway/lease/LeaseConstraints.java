package dev.arcpgateway.lease;

import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Fields;
import dev.arcpgateway.protocol.Timestamps;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Parsed {@code lease_constraints} (§9.5): an absolute {@code expires_at} (ISO 8601 with a UTC offset, in the
 * future, echoed in UTC) or, for convenience, {@code expires_in_s} seconds from now, which is turned into the
 * absolute time that {@code job.accepted} echoes.
 *
 * @param expiresAt when the lease ends, or null for never
 * @param echo      the constraints as {@code job.accepted} echoes them
 */
public record LeaseConstraints(Instant expiresAt, JsonObject echo) {

  public static final LeaseConstraints NONE = new LeaseConstraints(null, null);

  public static LeaseConstraints parse(JsonObject json, Instant now) {
    if (json == null) {
      return NONE;
    }
    String expiresAt = Fields.optString(json, "expires_at");
    BigDecimal expiresIn = Fields.optNumber(json, "expires_in_s");
    if (expiresAt != null && expiresIn != null) {
      throw ArcpException.invalid("lease_constraints takes expires_at or expires_in_s, not both");
    }
    if (expiresAt != null) {
      Instant at = Timestamps.parseWithOffset("lease_constraints.expires_at", expiresAt);
      if (!at.isAfter(now)) {
        throw ArcpException.invalid("lease_constraints.expires_at " + expiresAt + " is not in the future");
      }
      // echoed in UTC: the TypeScript and Java clients read only the Z form
      String utc = Timestamps.isStrictUtc(expiresAt) ? expiresAt : Timestamps.format(at);
      return new LeaseConstraints(at, new JsonObject().put("expires_at", utc));
    }
    if (expiresIn != null) {
      if (expiresIn.signum() <= 0 || expiresIn.compareTo(BigDecimal.valueOf(366L * 24 * 3600)) > 0) {
        throw ArcpException.invalid("lease_constraints.expires_in_s must be a positive number of seconds");
      }
      Instant at = now.plusNanos(expiresIn.movePointRight(9).longValue());
      if (!at.isAfter(now)) {
        throw ArcpException.invalid("lease_constraints.expires_in_s is too small to be in the future");
      }
      return new LeaseConstraints(at, new JsonObject().put("expires_at", Timestamps.format(at)));
    }
    return new LeaseConstraints(null, json.isEmpty() ? null : new JsonObject());
  }

  /** A constraint that expires at {@code at} (used for inherited delegation expiry). */
  public static LeaseConstraints expiringAt(Instant at) {
    return new LeaseConstraints(at, new JsonObject().put("expires_at", Timestamps.format(at)));
  }
}
