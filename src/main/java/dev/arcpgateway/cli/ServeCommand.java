package dev.arcpgateway.cli;

import dev.arcpgateway.Gateway;
import dev.arcpgateway.agent.bridge.BridgeSettings;
import dev.arcpgateway.agent.demo.DemoAgents;
import dev.arcpgateway.cluster.ClusterSettings;
import dev.arcpgateway.cluster.HazelcastSetup;
import dev.arcpgateway.config.ConfigSources;
import dev.arcpgateway.config.GatewayOptions;
import dev.arcpgateway.config.SecretMask;
import dev.arcpgateway.logging.LogSetup;
import dev.arcpgateway.ops.VertxMeters;
import dev.arcpgateway.protocol.Secrets;
import dev.arcpgateway.store.pg.PgStore;
import dev.arcpgateway.telemetry.Tracing;
import dev.arcpgateway.transport.ListenException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the gateway (in-memory store, or PostgreSQL) with the demo agents until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve ARCP over WebSocket at ws://HOST:PORT/arcp.")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", description = "settings file shaped like conf/gateway.json (or ARCP_CONFIG)")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "any setting by its config-file key, e.g. limits.request_timeout_ms=5000 (repeatable)")
  List<String> assignments = List.of();

  @Option(names = "--print-config", description = "print the effective configuration (secrets masked) and exit")
  boolean printConfig;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve wss:// and https://")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert")
  String tlsKey;

  @Option(names = "--bridge-tls", description = "serve the agent bridge with TLS too (the same certificate)")
  Boolean bridgeTls;

  @Option(names = "--otel-exporter", description = "trace exporter: none (default), otlp or logging")
  String otelExporter;

  @Option(names = "--otel-endpoint", description = "OTLP collector base URL, e.g. http://127.0.0.1:4318")
  String otelEndpoint;

  @Option(names = "--otel-protocol", description = "OTLP protocol: http/protobuf (default) or grpc")
  String otelProtocol;

  @Option(names = "--otel-headers", description = "OTLP request headers: key=value,key2=value2")
  String otelHeaders;

  @Option(names = "--log-level", description = "ERROR, WARN, INFO (default), DEBUG, TRACE or a java.util.logging level")
  String logLevel;

  @Option(names = "--log-format", description = "text (default) or json (one JSON object per line)")
  String logFormat;

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

  @Option(names = "--lanes", description = "lanes: each a transport, session, job runner, lease verticle and the"
      + " in-process agents on one event loop (default: one per event loop)")
  Integer lanes;

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

  @Option(names = "--metrics", negatable = true,
      description = "keep meters and serve them at /metrics (default on; --no-metrics turns them off)")
  Boolean metrics;

  @Option(names = "--drain-timeout-sec",
      description = "on SIGTERM, how long running jobs may finish before they end (default 30)")
  Integer drainTimeoutSec;

  @Option(names = "--demo-agents", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "run the demo agents in this process (default on; --no-demo-agents leaves agents to other"
          + " nodes and bridged processes)")
  boolean demoAgents;

  @Option(names = "--cluster", description = "join a cluster of gateway nodes (Hazelcast; needs --store pg and a"
      + " configured delegation key)")
  Boolean cluster;

  @Option(names = "--cluster-host", description = "address Hazelcast and the clustered event bus bind to (default"
      + " 127.0.0.1)")
  String clusterHost;

  @Option(names = "--cluster-members", paramLabel = "HOST:PORT,...",
      description = "the other nodes' Hazelcast addresses (default 127.0.0.1:5701 to 127.0.0.1:5710)")
  String clusterMembers;

  @Option(names = "--cluster-config", paramLabel = "FILE", description = "Hazelcast XML used instead of the cluster"
      + " settings (see conf/cluster.xml)")
  String clusterConfig;

  @Override
  public Integer call() throws Exception {
    GatewayOptions options;
    try {
      options = load(System.getenv());
      TlsFiles.check(options);
    } catch (IllegalArgumentException unusable) {
      System.err.println(unusable.getMessage());
      return 2;
    }
    if (printConfig) {
      System.out.println(SecretMask.mask(options.toJson()).encodePrettily());
      return 0;
    }
    LogSetup.apply(options.log());
    Tracing tracing;
    try {
      tracing = Tracing.configure(options.telemetry(), System.getenv());
    } catch (IllegalArgumentException unusable) {
      System.err.println(unusable.getMessage());
      return 2;
    }
    if (eventLoops != null && eventLoops < 1) {
      System.err.println("--event-loops must be at least 1, not " + eventLoops);
      return 2;
    }
    if (stdio) {
      return serveStdio(options, tracing);
    }
    if (options.tokens().isEmpty()) {
      if (!isLoopback(options.host())) {
        System.err.println("refusing to serve on " + options.host() + " without a token: pass --token NAME:TOKEN,"
            + " set ARCP_TOKENS=NAME:TOKEN or list tokens in the config file");
        return 2;
      }
      String token = Secrets.token("");
      options.addToken("local", token);
      System.out.println("No token configured: generated one for principal 'local': " + token);
    }
    PrometheusMeterRegistry registry = options.metricsEnabled()
        ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    Vertx vertx;
    try {
      vertx = vertx(tracing, registry, options.eventBusMeters(), ClusterSettings.fromJson(options.cluster()));
    } catch (IllegalArgumentException unusable) {
      System.err.println(unusable.getMessage());
      return 2;
    }
    Gateway.Builder builder = Gateway.builder().options(options).agents(demoAgents ? DemoAgents.all() : List.of())
        .openTelemetry(tracing.openTelemetry());
    if (registry != null) {
      builder.meterRegistry(registry);
    }
    Gateway gateway = builder.build();
    try {
      gateway.deploy(vertx).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      tracing.close();
      PgStore.PgStoreUnusable unusable = unusableStore(e);
      if (unusable != null) { // a configuration problem, not a crash: one line, exit code 2
        System.err.println(unusable.getMessage());
        return 2;
      }
      ListenException listen = listenFailure(e);
      if (listen != null) {
        System.err.println(listen.getMessage());
        return 2;
      }
      System.err.println("the gateway did not start: " + e.getMessage());
      return 1;
    }
    Termination.drainOnSigterm(gateway, vertx);
    Runtime.getRuntime().addShutdownHook(new Thread(tracing::close, "arcp-trace-flush")); // after the drain's exit
    String shownHost = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    System.out.println("ARCP gateway listening on " + (options.tls() ? "wss://" : "ws://") + shownHost + ":"
        + gateway.port() + options.path());
    if (gateway.bridgePort() > 0) {
      System.out.println("Agent bridge listening on " + (options.bridge().getBoolean("tls", false) ? "tls://"
          : "tcp://") + shownHost + ":" + gateway.bridgePort());
    }
    System.out.flush();
    return 0; // event-loop threads keep the JVM alive until SIGTERM
  }

  /**
   * Stdio: stdout carries only ARCP frames (everything else goes to stderr) and the process ends when stdin
   * ends or the session closes. The parent owns the pipes, so no token is required: a token still must be
   * presented, and without configured tokens one is generated and printed on stderr.
   */
  private Integer serveStdio(GatewayOptions options, Tracing tracing) throws Exception {
    java.io.PrintStream protocolOut = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
        false, java.nio.charset.StandardCharsets.UTF_8);
    System.setOut(System.err); // nothing but frames may reach the real stdout
    if (options.tokens().isEmpty()) {
      String token = Secrets.token("");
      options.addToken("local", token);
      System.err.println("No token configured: generated one for principal 'local': " + token);
    }
    Vertx vertx = vertx(tracing, null, false, ClusterSettings.fromJson(new JsonObject()));
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    Gateway gateway = Gateway.builder().options(options).agents(DemoAgents.all())
        .openTelemetry(tracing.openTelemetry()).stdio(System.in, protocolOut, ended::countDown).build();
    try {
      gateway.deploy(vertx).await(60, TimeUnit.SECONDS);
      System.err.println("ARCP gateway serving one session on stdio");
      ended.await();
    } finally {
      try {
        gateway.undeploy().compose(v -> vertx.close()).await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      } finally {
        tracing.close();
      }
    }
    return 0;
  }

  private static PgStore.PgStoreUnusable unusableStore(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgStore.PgStoreUnusable unusable) {
        return unusable;
      }
    }
    return null;
  }

  /**
   * @param registry where Vert.x reports its own meters (HTTP, pools), or null for none
   * @param eventBus whether the event bus is metered too
   * @param cluster  when enabled, the Vert.x joins that cluster before it is returned
   */
  private Vertx vertx(Tracing tracing, PrometheusMeterRegistry registry, boolean eventBus, ClusterSettings cluster)
      throws Exception {
    io.vertx.core.VertxOptions vertxOptions = new io.vertx.core.VertxOptions();
    if (eventLoops != null) {
      vertxOptions.setEventLoopPoolSize(eventLoops);
    }
    if (cluster.enabled()) {
      HazelcastSetup.eventBusOn(vertxOptions, cluster);
    }
    io.vertx.core.VertxBuilder builder = tracing.install(registry == null ? Vertx.builder().with(vertxOptions)
        : VertxMeters.builder(vertxOptions, registry, eventBus));
    if (!cluster.enabled()) {
      return builder.build();
    }
    try {
      return builder.withClusterManager(HazelcastSetup.clusterManager(cluster)).buildClustered()
          .await(60, TimeUnit.SECONDS);
    } catch (Exception notJoined) { // e.g. no free port from cluster.port: a setting to change, said in one line
      throw new IllegalArgumentException("the cluster could not be joined from " + cluster.host() + ":"
          + cluster.port() + ": " + notJoined.getMessage());
    }
  }

  private static ListenException listenFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ListenException listen) {
        return listen;
      }
    }
    return null;
  }

  /** The settings: defaults, then the config file, then {@code ARCP_*} variables, then the command line. */
  GatewayOptions load(Map<String, String> env) {
    Map<String, Object> flags = new LinkedHashMap<>();
    putIfSet(flags, "host", host);
    putIfSet(flags, "port", port);
    if (!tokens.isEmpty()) {
      flags.put("tokens", new JsonArray(List.copyOf(tokens)));
    }
    putIfSet(flags, "heartbeat_sec", heartbeatSec);
    putIfSet(flags, "resume_window_sec", resumeWindowSec);
    putIfSet(flags, "max_frame_bytes", maxFrameBytes);
    putIfSet(flags, "bridge.port", bridgePort);
    if (!agentTokens.isEmpty()) {
      JsonArray specs = new JsonArray();
      agentTokens.forEach(spec -> specs.add(BridgeSettings.tokenFromSpec(spec)));
      flags.put("bridge.tokens", specs);
    }
    putIfSet(flags, "limits.max_sessions_per_principal", maxSessionsPerPrincipal);
    putIfSet(flags, "metrics.enabled", metrics);
    putIfSet(flags, "drain_timeout_sec", drainTimeoutSec);
    putIfSet(flags, "store.type", store);
    putIfSet(flags, "store.uri", pgUri);
    putIfSet(flags, "cluster.enabled", cluster);
    putIfSet(flags, "cluster.host", clusterHost);
    if (clusterMembers != null) {
      flags.put("cluster.members", new JsonArray(java.util.Arrays.stream(clusterMembers.split(","))
          .map(String::strip).filter(m -> !m.isEmpty()).map(m -> (Object) m).toList()));
    }
    putIfSet(flags, "cluster.config_file", clusterConfig);
    putIfSet(flags, "lanes", lanes);
    putIfSet(flags, "tls.cert_file", tlsCert);
    putIfSet(flags, "tls.key_file", tlsKey);
    putIfSet(flags, "bridge.tls", bridgeTls);
    putIfSet(flags, "telemetry.exporter", otelExporter);
    putIfSet(flags, "telemetry.endpoint", otelEndpoint);
    putIfSet(flags, "telemetry.protocol", otelProtocol);
    putIfSet(flags, "telemetry.headers", otelHeaders);
    putIfSet(flags, "log.level", logLevel);
    putIfSet(flags, "log.format", logFormat);
    assignments.forEach(assignment -> ConfigSources.parseAssignment(assignment, flags));
    Path file = config != null ? config : env.containsKey("ARCP_CONFIG") ? Path.of(env.get("ARCP_CONFIG")) : null;
    return ConfigSources.load(file, env, flags).options();
  }

  private static void putIfSet(Map<String, Object> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, value);
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
