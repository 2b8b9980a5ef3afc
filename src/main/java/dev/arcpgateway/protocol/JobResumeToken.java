package dev.arcpgateway.protocol;

/**
 * The seed's job-level resume token (§6.3 as the Python SDK's feature list describes it): handed out in the
 * job's {@code started} status event, presented as {@code resume_token} on a {@code job.submit} to follow the
 * job again. It names its job, so that it can be checked against the job's stored hash without a lookup by
 * token; the random part is what proves it.
 */
public final class JobResumeToken {

  private static final String PREFIX = "jrt_";

  private JobResumeToken() {
  }

  /** A fresh token for {@code jobId}: {@code jrt_<job id>.<64 hex>}. */
  public static String mint(String jobId) {
    return Secrets.token(PREFIX + jobId + ".");
  }

  /** The job a token names; INVALID_REQUEST when it is not shaped like one of ours. */
  public static String jobIdOf(String token) {
    int dot = token == null ? -1 : token.lastIndexOf('.');
    if (token == null || !token.startsWith(PREFIX) || dot <= PREFIX.length() || dot == token.length() - 1) {
      throw ArcpException.invalid("resume_token is not a job resume token");
    }
    return token.substring(PREFIX.length(), dot);
  }
}
