package dev.arcpgateway.config;

/** The gateway's own version, from the jar manifest when packaged. */
public final class GatewayVersion {

  private GatewayVersion() {
  }

  public static String current() {
    String version = GatewayVersion.class.getPackage().getImplementationVersion();
    return version == null ? "0.1.0" : version;
  }
}
