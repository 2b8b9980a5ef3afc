package dev.arcpgateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the gateway, read from {@code conf/gateway.json}-shaped JSON and adjustable with fluent
 * setters (command-line flags are applied on top of the file this way). Treat an instance as read-only once the
 * gateway is deployed with it.
 */
public class GatewayOptions {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final int MIB = 1024 * 1024;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String path = "/arcp";
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private int maxFrameBytes = MIB;
  private List<String> allowedHosts = new ArrayList<>();
  private List<String> allowedOrigins = new ArrayList<>();
  private int heartbeatIntervalSec = 30;
  private int resumeWindowSec = 600;
  private int lanes;
  private int resultChunkMaxBytes = MIB;
  private long resultMaxBytes = 256L * MIB;
  private int resumeBufferMaxEvents = 65_536;
  private long resumeBufferMaxBytes = 64L * MIB;
  /** 0: a quarter of the heap. */
  private long bufferBudgetBytes;
  private int backPressureLag = 1_000;
  private long idempotencyTtlSec = 24 * 3600;
  private long requestTimeoutMs = 30_000;
  private int maxSessionsPerPrincipal = 1_000;
  private int agentQueueMax = 1_000;
  private int idleSessionEvictSec = 3_600;
  private long helloTimeoutMs = 10_000;
  private long httpIdleTimeoutMs = 30_000;
  private long bridgeAuthTimeoutMs = 10_000;
  private long bridgeFrameTimeoutMs = 10_000;
  private JsonObject observers = new JsonObject();
  private JsonObject lease = new JsonObject();
  private JsonObject credentials = new JsonObject();
  private JsonObject jwt = new JsonObject();
  private JsonObject loginThrottle = new JsonObject();
  private JsonObject bridge = new JsonObject();
  private JsonObject store = new JsonObject();
  private JsonObject cluster = new JsonObject();
  private int jobHeartbeatSec = 5;
  private int jobLivenessTimeoutSec = 15;
  private boolean lifecycleNotifications;
  private String runtimeName = "arcp-gateway";
  private String runtimeVersion = GatewayVersion.current();
  private String tlsCertFile;
  private String tlsKeyFile;
  private JsonObject telemetry = new JsonObject();
  private JsonObject log = new JsonObject();
  private boolean metricsEnabled = true;
  private boolean eventBusMeters;
  private int drainTimeoutSec = 30;

  public GatewayOptions() {
  }

  /** Reads {@code conf/gateway.json}-shaped settings; absent keys keep their defaults. */
  public GatewayOptions(JsonObject json) {
    host = json.getString("host", host);
    port = json.getInteger("port", port);
    path = json.getString("path", path);
    JsonArray tokenList = json.getJsonArray("tokens");
    if (tokenList != null) {
      for (Object entry : tokenList) {
        if (entry instanceof JsonObject token) {
          addToken(token.getString("principal"), token.getString("token"));
        } else if (entry instanceof String spec) {
          addToken(spec);
        } else {
          throw new IllegalArgumentException("tokens entries are {\"principal\", \"token\"} objects or NAME:TOKEN");
        }
      }
    }
    maxFrameBytes = json.getInteger("max_frame_bytes", maxFrameBytes);
    allowedHosts = strings(json.getJsonArray("allowed_hosts"), allowedHosts);
    allowedOrigins = strings(json.getJsonArray("allowed_origins"), allowedOrigins);
    heartbeatIntervalSec = json.getInteger("heartbeat_sec", heartbeatIntervalSec);
    resumeWindowSec = json.getInteger("resume_window_sec", resumeWindowSec);
    lifecycleNotifications = json.getBoolean("lifecycle_notifications", lifecycleNotifications);
    if (json.containsKey("instances")) { // replaced by lanes: a file naming it is refused, not quietly ignored
      throw new InvalidConfigException("instances is no longer a setting: set lanes instead (each lane runs a transport,"
          + " session, job-runner and lease verticle on one event loop; 0, the default, is one per event loop)");
    }
    lanes = json.getInteger("lanes", lanes);
    JsonObject limits = json.getJsonObject("limits", new JsonObject());
    resultChunkMaxBytes = limits.getInteger("result_chunk_max_bytes", resultChunkMaxBytes);
    resultMaxBytes = limits.getLong("result_max_bytes", resultMaxBytes);
    resumeBufferMaxEvents = limits.getInteger("resume_buffer_max_events", resumeBufferMaxEvents);
    resumeBufferMaxBytes = limits.getLong("resume_buffer_max_bytes", resumeBufferMaxBytes);
    bufferBudgetBytes = limits.getLong("buffer_budget_bytes", bufferBudgetBytes);
    backPressureLag = limits.getInteger("back_pressure_lag", backPressureLag);
    idempotencyTtlSec = limits.getLong("idempotency_ttl_sec", idempotencyTtlSec);
    requestTimeoutMs = limits.getLong("request_timeout_ms", requestTimeoutMs);
    maxSessionsPerPrincipal = limits.getInteger("max_sessions_per_principal", maxSessionsPerPrincipal);
    agentQueueMax = limits.getInteger("agent_queue_max", agentQueueMax);
    idleSessionEvictSec = limits.getInteger("idle_session_evict_sec", idleSessionEvictSec);
    JsonObject transport = json.getJsonObject("transport", new JsonObject());
    helloTimeoutMs = transport.getLong("hello_timeout_ms", helloTimeoutMs);
    httpIdleTimeoutMs = transport.getLong("http_idle_timeout_ms", httpIdleTimeoutMs);
    bridgeAuthTimeoutMs = transport.getLong("bridge_auth_timeout_ms", bridgeAuthTimeoutMs);
    bridgeFrameTimeoutMs = transport.getLong("bridge_frame_timeout_ms", bridgeFrameTimeoutMs);
    observers = json.getJsonObject("observers", observers);
    lease = json.getJsonObject("lease", lease);
    credentials = json.getJsonObject("credentials", credentials);
    jwt = json.getJsonObject("jwt", jwt);
    loginThrottle = json.getJsonObject("login_throttle", loginThrottle);
    bridge = json.getJsonObject("bridge", bridge);
    store = json.getJsonObject("store", store);
    cluster = json.getJsonObject("cluster", cluster);
    jobHeartbeatSec = limits.getInteger("job_heartbeat_sec", jobHeartbeatSec);
    jobLivenessTimeoutSec = limits.getInteger("job_liveness_timeout_sec", jobLivenessTimeoutSec);
    JsonObject runtime = json.getJsonObject("runtime", new JsonObject());
    runtimeName = runtime.getString("name", runtimeName);
    runtimeVersion = runtime.getString("version", runtimeVersion);
    JsonObject tls = json.getJsonObject("tls", new JsonObject());
    tlsCertFile = tls.getString("cert_file");
    tlsKeyFile = tls.getString("key_file");
    telemetry = json.getJsonObject("telemetry", telemetry);
    log = json.getJsonObject("log", log);
    JsonObject metrics = json.getJsonObject("metrics", new JsonObject());
    metricsEnabled = metrics.getBoolean("enabled", metricsEnabled);
    eventBusMeters = metrics.getBoolean("event_bus", eventBusMeters);
    drainTimeoutSec = json.getInteger("drain_timeout_sec", drainTimeoutSec);
    validate();
  }

  /** Refuses settings that cannot work, naming the setting. */
  public GatewayOptions validate() {
    requirePositive("port", port + 1);
    requirePositive("max_frame_bytes", maxFrameBytes);
    requirePositive("heartbeat_sec", heartbeatIntervalSec);
    requirePositive("resume_window_sec", resumeWindowSec);
    if (lanes < 0) {
      throw new IllegalArgumentException("lanes must be 0 (one per event loop) or more, got " + lanes);
    }
    requirePositive("limits.result_chunk_max_bytes", resultChunkMaxBytes);
    requirePositive("limits.result_max_bytes", resultMaxBytes);
    requirePositive("limits.resume_buffer_max_events", resumeBufferMaxEvents);
    requirePositive("limits.resume_buffer_max_bytes", resumeBufferMaxBytes);
    requirePositive("limits.back_pressure_lag", backPressureLag);
    requirePositive("limits.request_timeout_ms", requestTimeoutMs);
    requirePositive("limits.job_heartbeat_sec", jobHeartbeatSec);
    requirePositive("limits.max_sessions_per_principal", maxSessionsPerPrincipal);
    requirePositive("limits.agent_queue_max", agentQueueMax);
    if (drainTimeoutSec < 0) {
      throw new IllegalArgumentException("drain_timeout_sec must not be negative (0: running jobs end at once)");
    }
    if (bufferBudgetBytes < 0) {
      throw new IllegalArgumentException("limits.buffer_budget_bytes must not be negative (0: a quarter of the heap)");
    }
    if (idleSessionEvictSec < 0) {
      throw new IllegalArgumentException("limits.idle_session_evict_sec must not be negative (0 disables it)");
    }
    requirePositive("transport.hello_timeout_ms", helloTimeoutMs);
    requirePositive("transport.bridge_auth_timeout_ms", bridgeAuthTimeoutMs);
    requirePositive("transport.bridge_frame_timeout_ms", bridgeFrameTimeoutMs);
    if (httpIdleTimeoutMs < 0) {
      throw new IllegalArgumentException("transport.http_idle_timeout_ms must not be negative (0 disables it)");
    }
    dev.arcpgateway.store.StoreSettings.fromJson(store); // names the store setting that cannot work
    dev.arcpgateway.cluster.ClusterSettings.fromJson(cluster).requireSharedState(store, lease);
    if (jobLivenessTimeoutSec <= jobHeartbeatSec) {
      throw new IllegalArgumentException("limits.job_liveness_timeout_sec must exceed limits.job_heartbeat_sec");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /");
    }
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException("tls.cert_file and tls.key_file go together: give both or neither");
    }
    if (bridge.getValue("tls") instanceof Boolean tlsBridge && tlsBridge && tlsCertFile == null) {
      throw new IllegalArgumentException("bridge.tls serves the bridge with tls.cert_file and tls.key_file: give them");
    }
    oneOf("telemetry.exporter", telemetry.getString("exporter"), List.of("none", "otlp", "logging"));
    oneOf("telemetry.protocol", telemetry.getString("protocol"), List.of("http/protobuf", "grpc"));
    oneOf("log.format", log.getString("format"), List.of("text", "json"));
    oneOf("log.level", log.getString("level"),
        List.of("SEVERE", "WARNING", "INFO", "CONFIG", "FINE", "FINER", "FINEST", "ALL", "OFF",
            "ERROR", "WARN", "DEBUG", "TRACE"));
    return this;
  }

  private static void oneOf(String name, String value, List<String> allowed) {
    if (value != null && !allowed.contains(value.toUpperCase(java.util.Locale.ROOT))
        && !allowed.contains(value)) {
      throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + ", got " + value);
    }
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static List<String> strings(JsonArray array, List<String> fallback) {
    if (array == null) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(String.valueOf(item)));
    return out;
  }

  /** Adds a static bearer token from {@code NAME:TOKEN}. */
  public GatewayOptions addToken(String spec) {
    int colon = spec == null ? -1 : spec.indexOf(':');
    if (colon <= 0 || colon == spec.length() - 1) {
      throw new IllegalArgumentException("a token is NAME:TOKEN, got " + spec);
    }
    return addToken(spec.substring(0, colon), spec.substring(colon + 1));
  }

  /** Bearer {@code token} authenticates {@code principal}. */
  public GatewayOptions addToken(String principal, String token) {
    if (principal == null || principal.isEmpty() || token == null || token.isEmpty()) {
      throw new IllegalArgumentException("a token needs a principal and a non-empty token");
    }
    tokens.put(token, principal);
    return this;
  }

  /** Token → principal. */
  public Map<String, String> tokens() {
    return Collections.unmodifiableMap(tokens);
  }

  public String host() {
    return host;
  }

  public GatewayOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int port() {
    return port;
  }

  public GatewayOptions setPort(int port) {
    this.port = port;
    return this;
  }

  public String path() {
    return path;
  }

  public GatewayOptions setPath(String path) {
    this.path = path;
    return this;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  public GatewayOptions setMaxFrameBytes(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
    return this;
  }

  /** Host header values allowed on the upgrade request; empty means loopback names plus the bind host. */
  public List<String> allowedHosts() {
    return allowedHosts;
  }

  public GatewayOptions setAllowedHosts(List<String> allowedHosts) {
    this.allowedHosts = new ArrayList<>(allowedHosts);
    return this;
  }

  /** Origin header values allowed when a client sends one; empty means loopback origins only. */
  public List<String> allowedOrigins() {
    return allowedOrigins;
  }

  public GatewayOptions setAllowedOrigins(List<String> allowedOrigins) {
    this.allowedOrigins = new ArrayList<>(allowedOrigins);
    return this;
  }

  public int heartbeatIntervalSec() {
    return heartbeatIntervalSec;
  }

  public GatewayOptions setHeartbeatIntervalSec(int heartbeatIntervalSec) {
    this.heartbeatIntervalSec = heartbeatIntervalSec;
    return this;
  }

  public int resumeWindowSec() {
    return resumeWindowSec;
  }

  public GatewayOptions setResumeWindowSec(int resumeWindowSec) {
    this.resumeWindowSec = resumeWindowSec;
    return this;
  }

  /**
   * How many lanes share the work (each a transport, session, job-runner and lease verticle and the in-process
   * agents on one event loop); 0, the default, is one per event loop of the Vert.x instance.
   */
  public int lanes() {
    return lanes;
  }

  public GatewayOptions setLanes(int lanes) {
    this.lanes = lanes;
    return this;
  }

  public int resultChunkMaxBytes() {
    return resultChunkMaxBytes;
  }

  public GatewayOptions setResultChunkMaxBytes(int resultChunkMaxBytes) {
    this.resultChunkMaxBytes = resultChunkMaxBytes;
    return this;
  }

  public long resultMaxBytes() {
    return resultMaxBytes;
  }

  public GatewayOptions setResultMaxBytes(long resultMaxBytes) {
    this.resultMaxBytes = resultMaxBytes;
    return this;
  }

  public int resumeBufferMaxEvents() {
    return resumeBufferMaxEvents;
  }

  public GatewayOptions setResumeBufferMaxEvents(int resumeBufferMaxEvents) {
    this.resumeBufferMaxEvents = resumeBufferMaxEvents;
    return this;
  }

  public long resumeBufferMaxBytes() {
    return resumeBufferMaxBytes;
  }

  public GatewayOptions setResumeBufferMaxBytes(long resumeBufferMaxBytes) {
    this.resumeBufferMaxBytes = resumeBufferMaxBytes;
    return this;
  }

  public int backPressureLag() {
    return backPressureLag;
  }

  public GatewayOptions setBackPressureLag(int backPressureLag) {
    this.backPressureLag = backPressureLag;
    return this;
  }

  public long idempotencyTtlSec() {
    return idempotencyTtlSec;
  }

  public GatewayOptions setIdempotencyTtlSec(long idempotencyTtlSec) {
    this.idempotencyTtlSec = idempotencyTtlSec;
    return this;
  }

  public long requestTimeoutMs() {
    return requestTimeoutMs;
  }

  public GatewayOptions setRequestTimeoutMs(long requestTimeoutMs) {
    this.requestTimeoutMs = requestTimeoutMs;
    return this;
  }

  /**
   * The most all sessions together buffer for their clients (resume buffers; also the cap of all finished jobs'
   * event logs in the memory store): past it, parked sessions are forgotten and attached ones trimmed or closed.
   * Unset (0): a quarter of the maximum heap.
   */
  public long bufferBudgetBytes() {
    return bufferBudgetBytes > 0 ? bufferBudgetBytes : Runtime.getRuntime().maxMemory() / 4;
  }

  public GatewayOptions setBufferBudgetBytes(long bufferBudgetBytes) {
    this.bufferBudgetBytes = bufferBudgetBytes;
    return this;
  }

  /** Sessions (attached or parked, not closed) one principal may hold; a further hello is refused. */
  public int maxSessionsPerPrincipal() {
    return maxSessionsPerPrincipal;
  }

  public GatewayOptions setMaxSessionsPerPrincipal(int maxSessionsPerPrincipal) {
    this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
    return this;
  }

  /**
   * Jobs that may wait, on one node, for an agent whose every slot is busy (its {@code max_concurrent} jobs run):
   * Java agents and agent processes alike; a further job is refused, retryable. How long one waits is bounded by
   * {@link #requestTimeoutMs()}.
   */
  public int agentQueueMax() {
    return agentQueueMax;
  }

  public GatewayOptions setAgentQueueMax(int agentQueueMax) {
    this.agentQueueMax = agentQueueMax;
    return this;
  }

  /**
   * A session that has had no job traffic and no requests (only heartbeats) for this long is closed and
   * forgotten (§14 heartbeat amplification); 0 disables eviction.
   */
  public int idleSessionEvictSec() {
    return idleSessionEvictSec;
  }

  public GatewayOptions setIdleSessionEvictSec(int idleSessionEvictSec) {
    this.idleSessionEvictSec = idleSessionEvictSec;
    return this;
  }

  /**
   * A WebSocket that is not welcomed this long after its upgrade (no {@code session.hello}, or none that
   * succeeded) is refused with UNAUTHENTICATED and closed (1008). Not applied to stdio, whose parent is trusted.
   */
  public long helloTimeoutMs() {
    return helloTimeoutMs;
  }

  public GatewayOptions setHelloTimeoutMs(long helloTimeoutMs) {
    this.helloTimeoutMs = helloTimeoutMs;
    return this;
  }

  /**
   * An HTTP connection that sends no request and no WebSocket upgrade for this long (since it opened or since
   * its last request) is closed; 0 disables it. WebSockets are not affected once upgraded.
   */
  public long httpIdleTimeoutMs() {
    return httpIdleTimeoutMs;
  }

  public GatewayOptions setHttpIdleTimeoutMs(long httpIdleTimeoutMs) {
    this.httpIdleTimeoutMs = httpIdleTimeoutMs;
    return this;
  }

  /** An agent-bridge connection that has not sent its credential frame this long after connecting is closed. */
  public long bridgeAuthTimeoutMs() {
    return bridgeAuthTimeoutMs;
  }

  public GatewayOptions setBridgeAuthTimeoutMs(long bridgeAuthTimeoutMs) {
    this.bridgeAuthTimeoutMs = bridgeAuthTimeoutMs;
    return this;
  }

  /** An agent-bridge frame must arrive whole within this long of its first byte, or the connection is closed. */
  public long bridgeFrameTimeoutMs() {
    return bridgeFrameTimeoutMs;
  }

  public GatewayOptions setBridgeFrameTimeoutMs(long bridgeFrameTimeoutMs) {
    this.bridgeFrameTimeoutMs = bridgeFrameTimeoutMs;
    return this;
  }

  /** Observe grants: {@code {"observer": ["principal" | "*"]}} (see {@code ObservePolicy.fromJson}). */
  public JsonObject observers() {
    return observers;
  }

  public GatewayOptions setObservers(JsonObject observers) {
    this.observers = observers.copy();
    return this;
  }

  /**
   * Lease settings: {@code expiry_grace_ms}, {@code model_use_required}, {@code budget_exhausted_fatal},
   * {@code policy} (per-principal grants, see {@code LeasePolicy.fromJson}) and {@code delegation}
   * ({@code algorithm}, {@code private_key_file}, {@code public_key_file}, {@code token_ttl_sec}).
   */
  public JsonObject lease() {
    return lease;
  }

  public GatewayOptions setLease(JsonObject lease) {
    this.lease = lease.copy();
    return this;
  }

  /** Where state is kept: see {@link dev.arcpgateway.store.StoreSettings}. */
  public JsonObject store() {
    return store;
  }

  public GatewayOptions setStore(JsonObject store) {
    this.store = store.copy();
    return this;
  }

  /** Clustering with other nodes: see {@link dev.arcpgateway.cluster.ClusterSettings}. */
  public JsonObject cluster() {
    return cluster;
  }

  public GatewayOptions setCluster(JsonObject cluster) {
    this.cluster = cluster.copy();
    return this;
  }

  /**
   * Provisioned credentials: {@code provisioner} ({@code "local"} for the built-in one), {@code endpoint},
   * {@code rotate_every_sec}, {@code ledger_file} (a durable ledger is required for the feature).
   */
  public JsonObject credentials() {
    return credentials;
  }

  public GatewayOptions setCredentials(JsonObject credentials) {
    this.credentials = credentials.copy();
    return this;
  }

  /**
   * The agent bridge: {@code host}, {@code port}, {@code tokens} ({@code [{"token", "name", "agents"}]}),
   * {@code jwt}, {@code max_frame_bytes}, {@code frames_per_sec}, {@code burst_frames}; enabled when tokens or a
   * JWT are configured (see {@code BridgeSettings}).
   */
  public JsonObject bridge() {
    return bridge;
  }

  public GatewayOptions setBridge(JsonObject bridge) {
    this.bridge = bridge.copy();
    return this;
  }

  /** JWT session authentication (see {@code JwtAuthenticator}); empty: not used. */
  public JsonObject jwt() {
    return jwt;
  }

  public GatewayOptions setJwt(JsonObject jwt) {
    this.jwt = jwt.copy();
    return this;
  }

  /** How failed logins are slowed down per remote address (see {@code LoginThrottle.Settings}); empty: defaults. */
  public JsonObject loginThrottle() {
    return loginThrottle;
  }

  public GatewayOptions setLoginThrottle(JsonObject loginThrottle) {
    this.loginThrottle = loginThrottle.copy();
    return this;
  }

  /** How often agent hosts report that each running job's agent is alive. */
  public int jobHeartbeatSec() {
    return jobHeartbeatSec;
  }

  public GatewayOptions setJobHeartbeatSec(int jobHeartbeatSec) {
    this.jobHeartbeatSec = jobHeartbeatSec;
    return this;
  }

  /** A running job whose agent has not reported for this long ends with INTERNAL_ERROR. */
  /**
   * Whether job lifecycle moments are published on the event bus for embedding applications (off by default:
   * nobody listens to them in a plain deployment, and each job would pay for three messages).
   */
  public boolean lifecycleNotifications() {
    return lifecycleNotifications;
  }

  public GatewayOptions setLifecycleNotifications(boolean lifecycleNotifications) {
    this.lifecycleNotifications = lifecycleNotifications;
    return this;
  }

  public int jobLivenessTimeoutSec() {
    return jobLivenessTimeoutSec;
  }

  public GatewayOptions setJobLivenessTimeoutSec(int jobLivenessTimeoutSec) {
    this.jobLivenessTimeoutSec = jobLivenessTimeoutSec;
    return this;
  }

  public String runtimeName() {
    return runtimeName;
  }

  public GatewayOptions setRuntimeName(String runtimeName) {
    this.runtimeName = runtimeName;
    return this;
  }

  public String runtimeVersion() {
    return runtimeVersion;
  }

  public GatewayOptions setRuntimeVersion(String runtimeVersion) {
    this.runtimeVersion = runtimeVersion;
    return this;
  }

  /** {@code tls.cert_file}: PEM certificate chain; with {@link #tlsKeyFile()} the server speaks wss:// and https://. */
  public String tlsCertFile() {
    return tlsCertFile;
  }

  /** {@code tls.key_file}: the PEM private key (PKCS#8 or PKCS#1) of {@link #tlsCertFile()}. */
  public String tlsKeyFile() {
    return tlsKeyFile;
  }

  /** Serves TLS with the PEM certificate chain {@code certFile} and its private key {@code keyFile}. */
  public GatewayOptions setTls(String certFile, String keyFile) {
    this.tlsCertFile = certFile;
    this.tlsKeyFile = keyFile;
    return this;
  }

  /** Whether the WebSocket/HTTP listener speaks TLS. */
  public boolean tls() {
    return tlsCertFile != null;
  }

  /**
   * Trace export (§11): {@code exporter} ({@code none}, {@code otlp}, {@code logging}), {@code endpoint},
   * {@code protocol} ({@code http/protobuf}, {@code grpc}), {@code headers} ({@code k=v,k2=v2}),
   * {@code service_name} (see {@code telemetry.Tracing}).
   */
  public JsonObject telemetry() {
    return telemetry;
  }

  public GatewayOptions setTelemetry(JsonObject telemetry) {
    this.telemetry = telemetry.copy();
    return this;
  }

  /** Logging of {@code serve}: {@code level} and {@code format} ({@code text}, {@code json}). */
  public JsonObject log() {
    return log;
  }

  /** Every setting, shaped like the config file (defaults included); secrets are not masked here. */
  public JsonObject toJson() {
    JsonArray tokenList = new JsonArray();
    tokens.forEach((token, principal) -> tokenList.add(new JsonObject().put("principal", principal)
        .put("token", token)));
    return new JsonObject()
        .put("host", host).put("port", port).put("path", path).put("tokens", tokenList)
        .put("max_frame_bytes", maxFrameBytes)
        .put("allowed_hosts", new JsonArray(new ArrayList<>(allowedHosts)))
        .put("allowed_origins", new JsonArray(new ArrayList<>(allowedOrigins)))
        .put("heartbeat_sec", heartbeatIntervalSec).put("resume_window_sec", resumeWindowSec)
        .put("lifecycle_notifications", lifecycleNotifications)
        .put("tls", new JsonObject().put("cert_file", tlsCertFile).put("key_file", tlsKeyFile))
        .put("transport", new JsonObject().put("hello_timeout_ms", helloTimeoutMs)
            .put("http_idle_timeout_ms", httpIdleTimeoutMs).put("bridge_auth_timeout_ms", bridgeAuthTimeoutMs)
            .put("bridge_frame_timeout_ms", bridgeFrameTimeoutMs))
        .put("lanes", lanes)
        .put("limits", new JsonObject().put("result_chunk_max_bytes", resultChunkMaxBytes)
            .put("result_max_bytes", resultMaxBytes).put("resume_buffer_max_events", resumeBufferMaxEvents)
            .put("resume_buffer_max_bytes", resumeBufferMaxBytes).put("buffer_budget_bytes", bufferBudgetBytes)
            .put("back_pressure_lag", backPressureLag).put("idempotency_ttl_sec", idempotencyTtlSec)
            .put("request_timeout_ms", requestTimeoutMs).put("job_heartbeat_sec", jobHeartbeatSec)
            .put("job_liveness_timeout_sec", jobLivenessTimeoutSec)
            .put("max_sessions_per_principal", maxSessionsPerPrincipal).put("agent_queue_max", agentQueueMax)
            .put("idle_session_evict_sec", idleSessionEvictSec))
        .put("runtime", new JsonObject().put("name", runtimeName).put("version", runtimeVersion))
        .put("observers", observers.copy()).put("jwt", jwt.copy()).put("login_throttle", loginThrottle.copy())
        .put("lease", lease.copy()).put("credentials", credentials.copy()).put("bridge", bridge.copy())
        .put("telemetry", new JsonObject().put("exporter", "none").mergeIn(telemetry))
        .put("log", new JsonObject().put("level", "INFO").put("format", "text").mergeIn(log))
        .put("metrics", new JsonObject().put("enabled", metricsEnabled).put("event_bus", eventBusMeters))
        .put("drain_timeout_sec", drainTimeoutSec)
        .put("cluster", cluster.copy());
  }

  /** Whether the gateway keeps meters and serves them at {@code /metrics} ({@code metrics.enabled}, default on). */
  public boolean metricsEnabled() {
    return metricsEnabled;
  }

  public GatewayOptions setMetricsEnabled(boolean metricsEnabled) {
    this.metricsEnabled = metricsEnabled;
    return this;
  }

  /**
   * Whether Vert.x's own event-bus meters ({@code vertx_eventbus_*}) are kept too ({@code metrics.event_bus},
   * default off): they count every message between the gateway's verticles, about a sixth of an echo job's CPU.
   */
  public boolean eventBusMeters() {
    return eventBusMeters;
  }

  public GatewayOptions setEventBusMeters(boolean eventBusMeters) {
    this.eventBusMeters = eventBusMeters;
    return this;
  }

  /** How long a drain (SIGTERM, {@code Gateway.close()}) lets running jobs finish before ending them. */
  public int drainTimeoutSec() {
    return drainTimeoutSec;
  }

  public GatewayOptions setDrainTimeoutSec(int drainTimeoutSec) {
    this.drainTimeoutSec = drainTimeoutSec;
    return this;
  }
}
