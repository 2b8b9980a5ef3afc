package dev.arcpgateway.protocol;

import io.vertx.core.json.JsonObject;

/**
 * An ARCP error: a code from §12, a human message, the retryable flag and optional details.
 *
 * <p>Thrown or used to fail futures wherever a request or an agent operation is refused; whoever answers the
 * client turns it into the right carrier with {@link #toPayload()}.
 */
public class ArcpException extends RuntimeException {

  private final ErrorCode code;
  private final boolean retryable;
  private final JsonObject details;

  public ArcpException(ErrorCode code, String message) {
    this(code, message, code.defaultRetryable(), null);
  }

  public ArcpException(ErrorCode code, String message, JsonObject details) {
    this(code, message, code.defaultRetryable(), details);
  }

  public ArcpException(ErrorCode code, String message, boolean retryable, JsonObject details) {
    this(code, message, retryable, details, null);
  }

  private ArcpException(ErrorCode code, String message, boolean retryable, JsonObject details, Throwable unexpected) {
    super(message, unexpected, false, false);
    this.code = code;
    this.retryable = code.retryable(retryable);
    this.details = details;
  }

  public static ArcpException invalid(String message) {
    return new ArcpException(ErrorCode.INVALID_REQUEST, message);
  }

  /**
   * The job is unknown to this principal: it does not exist, or it is another principal's that this one may not
   * observe. Both get exactly this error, so nobody learns which of another principal's jobs exist (§6.6, §14).
   */
  public static ArcpException jobNotFound(String jobId) {
    return new ArcpException(ErrorCode.JOB_NOT_FOUND, "no job " + jobId);
  }

  /** A cancel that came too late: the job already ended with {@code status}. */
  public static ArcpException alreadyEnded(String jobId, JobStatus status) {
    return invalid("job " + jobId + " already ended (" + status.wire() + "); there is nothing to cancel");
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  /** Details object, or null. */
  public JsonObject details() {
    return details;
  }

  /** The §12 error payload {@code {code, message, retryable, details?}}. */
  public JsonObject toPayload() {
    JsonObject payload = new JsonObject()
        .put("code", code.name())
        .put("message", getMessage())
        .put("retryable", retryable);
    if (details != null && !details.isEmpty()) {
      payload.put("details", details);
    }
    return payload;
  }

  /** Reads an error payload back; unknown codes become INTERNAL_ERROR, as the Java and Python SDKs do. */
  public static ArcpException fromPayload(JsonObject payload) {
    ErrorCode code = ErrorCode.fromWire(payload.getString("code")).orElse(ErrorCode.INTERNAL_ERROR);
    String message = payload.getString("message");
    Object retryable = payload.getValue("retryable");
    Object details = payload.getValue("details");
    return new ArcpException(code, message == null || message.isEmpty() ? code.name() : message,
        retryable instanceof Boolean b ? b : code.defaultRetryable(),
        details instanceof JsonObject d ? d : null);
  }

  /**
   * Any failure as an ARCP error: ARCP errors stay as they are; anything else is unexpected and becomes an
   * INTERNAL_ERROR with a generic message naming an incident id (an exception's own text can reveal hosts, paths
   * or data, §14), keeping the exception as {@link #unexpected()} for whoever logs it.
   */
  public static ArcpException from(Throwable failure) {
    if (failure instanceof ArcpException arcp) {
      return arcp;
    }
    String incident = Ids.message();
    return new ArcpException(ErrorCode.INTERNAL_ERROR, "internal error in the gateway (incident " + incident + ")",
        false, new JsonObject().put("incident", incident), failure);
  }

  /** The unexpected exception this INTERNAL_ERROR was made from by {@link #from}, or null for a deliberate error. */
  public Throwable unexpected() {
    return getCause();
  }

  /** The incident id of an error made from an unexpected exception, or null. */
  public String incident() {
    return unexpected() == null ? null : details.getString("incident");
  }
}
