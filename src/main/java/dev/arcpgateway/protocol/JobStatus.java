package dev.arcpgateway.protocol;

/** Job states as {@code session.list_jobs} and {@code job.subscribed} report them (§6.6, §7.3). */
public enum JobStatus {
  PENDING("pending"),
  RUNNING("running"),
  SUCCESS("success"),
  ERROR("error"),
  CANCELLED("cancelled"),
  TIMED_OUT("timed_out");

  private final String wire;

  JobStatus(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public boolean terminal() {
    return this != PENDING && this != RUNNING;
  }

  /** The status for a wire name; an unknown name is an INVALID_REQUEST. */
  public static JobStatus fromWire(String wire) {
    for (JobStatus status : values()) {
      if (status.wire.equals(wire)) {
        return status;
      }
    }
    throw ArcpException.invalid("unknown job status " + wire);
  }
}
