package dev.arcpgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost made by the JDK's keytool, written as the PEM files
 * {@code --tls-cert} and {@code --tls-key} take.
 *
 * @param certFile the PEM certificate (also what a trusting client trusts)
 * @param keyFile  the PEM PKCS#8 private key
 */
public record SelfSignedTls(Path certFile, Path keyFile) {

  private static final String PASSWORD = "changeit";

  public static SelfSignedTls create(Path dir) {
    Path keyStore = dir.resolve("tls.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    try {
      Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "arcp",
          "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
          "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
          "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        store.load(in, PASSWORD.toCharArray());
      }
      PrivateKey key = (PrivateKey) store.getKey("arcp", PASSWORD.toCharArray());
      Certificate cert = store.getCertificate("arcp");
      Path certFile = Files.writeString(dir.resolve("tls-cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
      Path keyFile = Files.writeString(dir.resolve("tls-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
      return new SelfSignedTls(certFile, keyFile);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a self-signed certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
