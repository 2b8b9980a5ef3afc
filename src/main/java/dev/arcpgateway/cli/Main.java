package dev.arcpgateway.cli;

import dev.arcpgateway.config.GatewayVersion;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar arcp-gateway.jar <command>}. */
@Command(name = "arcp-gateway", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "An ARCP v1.1 runtime on Eclipse Vert.x, and a client for any ARCP runtime.",
    subcommands = {ServeCommand.class, SubmitCommand.class, WatchCommand.class, JobsCommand.class,
        CancelCommand.class, AgentsCommand.class})
public final class Main implements Runnable {

  /** Wide enough that URLs and examples in the help are not broken across lines. */
  private static final int HELP_WIDTH = 110;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  public static void main(String[] args) {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    int code = commandLine().execute(args);
    Interrupts.finished(); // after Ctrl-C the shutdown is under way: the JVM ends with 130 once the hook returns
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The command line with the client commands' exit codes and one-line error reports. */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Main());
    line.setUsageHelpWidth(HELP_WIDTH);
    for (CommandLine sub : line.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(new Version()); // -V of every command, not only the top one
      if (sub.getCommand() instanceof ClientCommand) {
        sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
            .exitCodeList(ExitCodes.described());
      }
    }
    line.setExecutionExceptionHandler((e, failed, parsed) -> {
      if (e instanceof CliFailure failure) {
        failed.getErr().println(failure.getMessage());
        return failure.exitCode();
      }
      if (e instanceof ArcpClient.Interrupted) {
        failed.getErr().println("interrupted");
        return ExitCodes.INTERRUPTED;
      }
      throw e;
    });
    line.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println(e.getMessage() + " (see " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
      err.flush();
      return ExitCodes.USAGE;
    });
    return line;
  }

  /** Reports the gateway version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"arcp-gateway " + GatewayVersion.current()};
    }
  }
}
