package dev.arcpgateway.cli;

import dev.arcpgateway.config.GatewayVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar arcp-gateway.jar <command>}. */
@Command(name = "arcp-gateway", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "An ARCP v1.1 runtime on Eclipse Vert.x.",
    subcommands = {ServeCommand.class, SubmitCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  public static void main(String[] args) {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Reports the gateway version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"arcp-gateway " + GatewayVersion.current()};
    }
  }
}
