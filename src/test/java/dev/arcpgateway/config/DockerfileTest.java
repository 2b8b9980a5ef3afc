package dev.arcpgateway.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the Dockerfile is checked as text against what the gateway accepts: every
 * {@code ARCP_*} variable it sets is a setting of {@link SettingsTable} (or {@code ARCP_CONFIG}), it runs as a
 * non-root user, exposes the ARCP and bridge ports and checks health on {@code /ready}.
 */
class DockerfileTest {

  private static final Pattern VARIABLE = Pattern.compile("\\b(ARCP_[A-Z0-9_]+)=");

  @Test
  void theImageTakesItsSettingsFromVariablesTheGatewayKnows() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    List<String> known = SettingsTable.ALL.stream().map(Setting::envVar).toList();
    Matcher matcher = VARIABLE.matcher(dockerfile);
    int found = 0;
    while (matcher.find()) {
      found++;
      String variable = matcher.group(1);
      assertTrue(variable.equals("ARCP_CONFIG") || known.contains(variable), variable + " is not a setting");
    }
    assertTrue(found >= 3, "the image sets its settings through ARCP_* variables");
  }

  @Test
  void theImageRunsUnprivilegedExposesItsPortsAndChecksReadiness() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
    assertFalse(user.matches("USER (root|0)(:.*)?"), user);
    assertTrue(lines.stream().anyMatch(l -> l.matches("EXPOSE .*\\b8080\\b.*") && l.matches(".*\\b7070\\b.*")));
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("HEALTHCHECK"))
        && lines.stream().anyMatch(l -> l.contains("/ready")));
  }
}
