package dev.arcpgateway.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options every client command shares: where the gateway is, how to authenticate, how to print, how long to
 * wait. Environment variables stand in for {@code --url} and {@code --token}, so the token never has to be on a
 * command line (where {@code ps} shows it).
 */
final class ClientOptions {

  static final String DEFAULT_URL = "ws://127.0.0.1:8080/arcp";

  /** How results, events and listings are printed. */
  enum Output { text, json }

  @Option(names = "--url", paramLabel = "URL",
      description = "gateway WebSocket URL (default: $ARCP_URL, else " + DEFAULT_URL + ")")
  String url;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "bearer token (default: $ARCP_TOKEN); prefer --token-file or ARCP_TOKEN, which ps cannot show")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE", description = "read the bearer token from FILE")
  Path tokenFile;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
      description = "text, or json: one JSON object per line on stdout (default: ${DEFAULT-VALUE})")
  Output output;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "give up after this long and exit 5, e.g. 30s, 5m, 1h, 500ms or plain seconds "
          + "(default: none for submit and watch, 30s for the others)")
  String timeout;

  boolean json() {
    return output == Output.json;
  }

  /** The validated gateway URL: ws:// or wss:// with a host. */
  URI uri() {
    String raw = url != null ? url : System.getenv().getOrDefault("ARCP_URL", DEFAULT_URL);
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw CliFailure.usage("--url " + raw + " is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("http") || scheme.equals("https")) {
      String ws = scheme.equals("http") ? "ws" : "wss";
      throw CliFailure.usage("--url " + raw + " is " + scheme + "://, but ARCP runs over WebSocket: use " + ws
          + raw.trim().substring(scheme.length()));
    }
    if (!scheme.equals("ws") && !scheme.equals("wss")) {
      throw CliFailure.usage("--url " + raw + " must be ws://HOST:PORT/PATH or wss://HOST:PORT/PATH");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw CliFailure.usage("--url " + raw + " names no host");
    }
    return uri;
  }

  /** The bearer token from --token, --token-file or ARCP_TOKEN, in that order. */
  String bearerToken() {
    if (token != null && tokenFile != null) {
      throw CliFailure.usage("give --token or --token-file, not both");
    }
    String found = token;
    if (tokenFile != null) {
      try {
        found = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw CliFailure.usage("cannot read --token-file " + tokenFile + ": " + e.getMessage());
      }
    }
    if (found == null) {
      found = System.getenv("ARCP_TOKEN");
    }
    if (found == null || found.isBlank()) {
      throw CliFailure.usage("no token: set ARCP_TOKEN, or pass --token-file FILE or --token TOKEN");
    }
    return found;
  }

  /** The --timeout as a deadline from now, or {@code fallback} when none was given. */
  Deadline deadline(Duration fallback) {
    return Deadline.after(timeout == null ? fallback : parseDuration(timeout));
  }

  static Duration parseDuration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.endsWith("ms")) {
        return nonNegative(Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2))), text);
      }
      char unit = value.isEmpty() ? ' ' : value.charAt(value.length() - 1);
      String number = Character.isLetter(unit) ? value.substring(0, value.length() - 1) : value;
      long millis = Math.round(Double.parseDouble(number) * switch (unit) {
        case 'h' -> 3_600_000;
        case 'm' -> 60_000;
        case 's' -> 1_000;
        default -> Character.isLetter(unit) ? -1 : 1_000;
      });
      return nonNegative(Duration.ofMillis(millis), text);
    } catch (NumberFormatException e) {
      throw CliFailure.usage("--timeout " + text + " is not a duration such as 30s, 5m, 1h or 500ms");
    }
  }

  private static Duration nonNegative(Duration duration, String text) {
    if (duration.isNegative()) {
      throw CliFailure.usage("--timeout " + text + " is not a duration such as 30s, 5m, 1h or 500ms");
    }
    return duration;
  }
}
