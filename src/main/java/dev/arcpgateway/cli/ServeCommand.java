package dev.arcpgateway.cli;

import dev.arcpgateway.Gateway;
import dev.arcpgateway.agent.bridge.BridgeSettings;
import dev.arcpgateway.agent.demo.DemoAgents;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.store.pg.PgStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the gateway (in-memory store, or PostgreSQL) with the demo agents until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve ARCP over WebSocket at ws://HOST:PORT/arcp.")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", description = "settings file shaped like conf/gateway.json")
  Path config;

  @Option(names = "--host", description = "bind address (default 127.0.0.1)")
  String host;

  @Option(names = "--port", description = "port (default 8080; 0 picks a free one)")
  Integer port;

  @Option(names = "--token", description = "NAME:TOKEN; bearer TOKEN authenticates principal NAME (repeatable)")
  List<String> tokens = List.of();

  @Option(names = "--heartbeat-sec", description = "heartbeat interval advertised in session.welcome")
  Integer heartbeatSec;

  @Option(names = "--resume-window-sec", description = "resume window advertised in session.welcome")
  Integer resumeWindowSec;

  @Option(names = "--max-frame-bytes", description = "largest accepted frame (default 1 MiB)")
  Integer maxFrameBytes;

  @Option(names = "--instances", description = "instances of the transport, session and job-runner verticles")
  Integer instances;

  @Option(names = "--bridge-port", description = "port for agent processes (the event-bus bridge; default 7070)")
  Integer bridgePort;

  @Option(names = "--agent-token",
      description = "TOKEN:agent1,agent2 lets agent processes with TOKEN announce those agents; TOKEN:* any name"
          + " no other agent serves (repeatable)")
  List<String> agentTokens = List.of();

  @Option(names = "--max-sessions-per-principal", description = "sessions one principal may hold (default 1000)")
  Integer maxSessionsPerPrincipal;

  @Option(names = "--event-loops", description = "event-loop threads (default: 2 per core)")
  Integer eventLoops;

  @Option(names = "--store", description = "memory (default: nothing survives a restart) or pg (PostgreSQL)")
  String store;

  @Option(names = "--pg-uri", description = "postgresql://USER:PASSWORD@HOST:PORT/DB for --store pg (or ARCP_PG_URI)")
  String pgUri;

  @Option(names = "--stdio", description = "serve one session as newline-delimited JSON on stdin/stdout instead")
  boolean stdio;

  @Override
  public Integer call() throws Exception {
    GatewayOptions options;
    try {
      options = load();
    } catch (IllegalArgumentException unusable) {
      System.err.println(unusable.getMessage());
      return 2;
    }
    if (stdio) {
      return serveStdio(options);
    }
    if (options.tokens().isEmpty()) {
      if (!isLoopback(options.host())) {
        System.err.println("refusing to serve on " + options.host() + " without a token: pass --token NAME:TOKEN"
            + " or list tokens in the config file");
        return 2;
      }
      String token = Secrets.token("");
      options.addToken("local", token);
      System.out.println("No token configured: generated one for principal 'local': " + token);
    }
    Vertx vertx = vertx();
    Gateway gateway = Gateway.builder().options(options).agents(DemoAgents.all()).build();
    try {
      gateway.deploy(vertx).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      PgStore.PgStoreUnusable unusable = unusableStore(e);
      if (unusable != null) { // a configuration problem, not a crash: one line, exit code 2
        System.err.println(unusable.getMessage());
        return 2;
      }
      System.err.println("the gateway did not start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        gateway.undeploy().compose(v -> vertx.close()).await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the JVM is exiting anyway
      }
    }, "arcp-shutdown"));
    String shownHost = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    System.out.println("ARCP gateway listening on ws://" + shownHost + ":" + gateway.port() + options.path());
    if (gateway.bridgePort() > 0) {
      System.out.println("Agent bridge listening on tcp://" + shownHost + ":" + gateway.bridgePort());
    }
    System.out.flush();
    return 0; // event-loop threads keep the JVM alive until SIGTERM
  }

  /**
   * Stdio: stdout carries only ARCP frames (everything else goes to stderr) and the process ends when stdin
   * ends or the session closes. The parent owns the pipes, so no token is required: a token still must be
   * presented, and without configured tokens one is generated and printed on stderr.
   */
  private Integer serveStdio(GatewayOptions options) throws Exception {
    java.io.PrintStream protocolOut = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
        false, java.nio.charset.StandardCharsets.UTF_8);
    System.setOut(System.err); // nothing but frames may reach the real stdout
    if (options.tokens().isEmpty()) {
      String token = Secrets.token("");
      options.addToken("local", token);
      System.err.println("No token configured: generated one for principal 'local': " + token);
    }
    Vertx vertx = vertx();
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    Gateway gateway = Gateway.builder().options(options).agents(DemoAgents.all())
        .stdio(System.in, protocolOut, ended::countDown).build();
    try {
      gateway.deploy(vertx).await(60, TimeUnit.SECONDS);
      System.err.println("ARCP gateway serving one session on stdio");
      ended.await();
    } finally {
      try {
        gateway.undeploy().compose(v -> vertx.close()).await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
    return 0;
  }

  private static PgStore.PgStoreUnusable unusableStore(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgStore.PgStoreUnusable unusable) {
        return unusable;
      }
    }
    return null;
  }

  private Vertx vertx() {
    io.vertx.core.VertxOptions vertxOptions = new io.vertx.core.VertxOptions();
    if (eventLoops != null) {
      vertxOptions.setEventLoopPoolSize(eventLoops);
    }
    return Vertx.vertx(vertxOptions);
  }

  private GatewayOptions load() throws IOException {
    GatewayOptions options = config == null ? new GatewayOptions()
        : new GatewayOptions(new JsonObject(Files.readString(config)));
    if (host != null) {
      options.setHost(host);
    }
    if (port != null) {
      options.setPort(port);
    }
    tokens.forEach(options::addToken);
    if (heartbeatSec != null) {
      options.setHeartbeatIntervalSec(heartbeatSec);
    }
    if (resumeWindowSec != null) {
      options.setResumeWindowSec(resumeWindowSec);
    }
    if (maxFrameBytes != null) {
      options.setMaxFrameBytes(maxFrameBytes);
    }
    if (bridgePort != null || !agentTokens.isEmpty()) {
      JsonObject bridge = options.bridge().copy();
      if (bridgePort != null) {
        bridge.put("port", bridgePort);
      }
      io.vertx.core.json.JsonArray tokens = bridge.getJsonArray("tokens", new io.vertx.core.json.JsonArray()).copy();
      agentTokens.forEach(spec -> tokens.add(BridgeSettings.tokenFromSpec(spec)));
      options.setBridge(bridge.put("tokens", tokens));
    }
    if (maxSessionsPerPrincipal != null) {
      options.setMaxSessionsPerPrincipal(maxSessionsPerPrincipal);
    }
    if (store != null || pgUri != null) {
      JsonObject section = options.store().copy();
      if (store != null) {
        section.put("type", store);
      }
      if (pgUri != null) {
        section.put("uri", pgUri);
      }
      options.setStore(section);
    }
    String envUri = System.getenv("ARCP_PG_URI"); // keeps the password off the command line
    if (envUri != null && !envUri.isBlank() && !options.store().containsKey("uri")) {
      options.setStore(options.store().copy().put("uri", envUri));
    }
    if (instances != null) {
      options.setTransportInstances(instances).setSessionInstances(instances).setJobRunnerInstances(instances);
    }
    return options.validate();
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
