package dev.arcpgateway.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of the client commands, as documented in {@code --help} and the README. */
final class ExitCodes {

  static final int SUCCESS = 0;
  static final int JOB_ERROR = 1;
  static final int USAGE = 2;
  static final int AUTH_REFUSED = 3;
  static final int CONNECTION = 4;
  static final int TIMEOUT = 5;
  static final int INTERRUPTED = 130;

  private ExitCodes() {
  }

  /** The list picocli shows under "Exit codes:". */
  static Map<String, String> described() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(" " + SUCCESS, "success");
    codes.put(" " + JOB_ERROR, "the job ended in error or the request was refused (the ARCP code is printed)");
    codes.put(" " + USAGE, "usage or configuration error");
    codes.put(" " + AUTH_REFUSED, "authentication refused");
    codes.put(" " + CONNECTION, "connection failed, or lost and not resumable");
    codes.put(" " + TIMEOUT, "--timeout passed");
    codes.put(String.valueOf(INTERRUPTED), "interrupted (Ctrl-C)");
    return codes;
  }
}
