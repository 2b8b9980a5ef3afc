package dev.arcpgateway.cli;

import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.config.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * Checks the TLS files before anything listens, so that a missing or mistaken file is one line naming it
 * (a key that does not match its certificate is refused when the listener opens).
 */
final class TlsFiles {

  private TlsFiles() {
  }

  static void check(GatewayOptions options) {
    if (!options.tls()) {
      return;
    }
    Path cert = Path.of(options.tlsCertFile());
    Path key = Path.of(options.tlsKeyFile());
    try (InputStream in = Files.newInputStream(cert)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        throw new InvalidConfigException("tls.cert_file " + cert + " holds no certificate");
      }
    } catch (IOException unreadable) {
      throw new InvalidConfigException("tls.cert_file " + cert + " cannot be read: " + describe(unreadable));
    } catch (CertificateException notPem) {
      throw new InvalidConfigException("tls.cert_file " + cert + " is not a PEM certificate: " + notPem.getMessage());
    }
    String keyText;
    try {
      keyText = Files.readString(key);
    } catch (IOException unreadable) {
      throw new InvalidConfigException("tls.key_file " + key + " cannot be read: " + describe(unreadable));
    }
    if (!keyText.contains("-----BEGIN") || !keyText.contains("PRIVATE KEY-----")) {
      throw new InvalidConfigException("tls.key_file " + key + " is not a PEM private key");
    }
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
  }
}
