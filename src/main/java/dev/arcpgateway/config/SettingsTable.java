package dev.arcpgateway.config;

import dev.arcpgateway.config.Setting.Kind;
import java.util.List;
import java.util.Optional;

/**
 * Every setting the config file, the environment and {@code serve --set KEY=VALUE} accept. Adding a setting is
 * one row here (its key, kind and, when the rule's variable name is too long, a shorter one) plus its reading in
 * {@link GatewayOptions}. Keys of kind {@link Kind#OBJECT} are free-form sections read by their own classes.
 */
public final class SettingsTable {

  /** The rows, in the order {@code --print-config} and the docs list them. */
  public static final List<Setting> ALL = List.of(
      Setting.of("host", Kind.STRING),
      Setting.of("port", Kind.INT),
      Setting.of("path", Kind.STRING),
      Setting.of("tokens", Kind.TOKENS),
      Setting.of("max_frame_bytes", Kind.INT),
      Setting.of("allowed_hosts", Kind.STRINGS),
      Setting.of("allowed_origins", Kind.STRINGS),
      Setting.of("heartbeat_sec", Kind.INT),
      Setting.of("resume_window_sec", Kind.INT),
      Setting.of("lifecycle_notifications", Kind.BOOL),
      Setting.of("tls.cert_file", Kind.STRING),
      Setting.of("tls.key_file", Kind.STRING),
      Setting.of("transport.hello_timeout_ms", Kind.LONG),
      Setting.of("transport.http_idle_timeout_ms", Kind.LONG),
      Setting.of("transport.bridge_auth_timeout_ms", Kind.LONG),
      Setting.of("transport.bridge_frame_timeout_ms", Kind.LONG),
      Setting.of("lanes", Kind.INT),
      Setting.of("limits.result_chunk_max_bytes", Kind.INT),
      Setting.of("limits.result_max_bytes", Kind.LONG),
      Setting.of("limits.resume_buffer_max_events", Kind.INT),
      Setting.of("limits.resume_buffer_max_bytes", Kind.LONG),
      Setting.of("limits.buffer_budget_bytes", Kind.LONG),
      Setting.of("limits.back_pressure_lag", Kind.INT),
      Setting.of("limits.idempotency_ttl_sec", Kind.LONG),
      Setting.of("limits.request_timeout_ms", Kind.LONG),
      Setting.of("limits.job_heartbeat_sec", Kind.INT),
      Setting.of("limits.job_liveness_timeout_sec", Kind.INT),
      Setting.of("limits.max_sessions_per_principal", Kind.INT),
      Setting.of("limits.agent_queue_max", Kind.INT),
      Setting.of("limits.idle_session_evict_sec", Kind.INT),
      Setting.of("runtime.name", Kind.STRING),
      Setting.of("runtime.version", Kind.STRING),
      Setting.of("observers", Kind.OBJECT),
      Setting.of("jwt", Kind.OBJECT),
      Setting.of("login_throttle", Kind.OBJECT),
      Setting.of("lease.model_use_required", Kind.BOOL),
      Setting.of("lease.budget_exhausted_fatal", Kind.BOOL),
      Setting.of("lease.expiry_grace_ms", Kind.LONG),
      Setting.of("lease.policy", Kind.OBJECT),
      Setting.of("lease.delegation.algorithm", Kind.STRING),
      Setting.of("lease.delegation.private_key_file", Kind.STRING),
      Setting.of("lease.delegation.public_key_file", Kind.STRING),
      Setting.of("lease.delegation.secret", Kind.STRING),
      Setting.of("lease.delegation.token_ttl_sec", Kind.LONG),
      Setting.of("credentials.provisioner", Kind.STRING),
      Setting.of("credentials.endpoint", Kind.STRING),
      Setting.of("credentials.rotate_every_sec", Kind.LONG),
      Setting.of("credentials.ledger_file", Kind.STRING),
      Setting.of("bridge.enabled", Kind.BOOL),
      Setting.of("bridge.host", Kind.STRING),
      Setting.of("bridge.port", Kind.INT),
      Setting.of("bridge.tls", Kind.BOOL),
      Setting.of("bridge.tokens", Kind.ARRAY),
      Setting.of("bridge.jwt", Kind.OBJECT),
      Setting.of("bridge.max_frame_bytes", Kind.INT),
      Setting.of("bridge.frames_per_sec", Kind.INT),
      Setting.of("bridge.burst_frames", Kind.INT),
      Setting.of("bridge.observe_lifecycle", Kind.BOOL),
      Setting.of("telemetry.exporter", Kind.STRING),
      Setting.of("telemetry.endpoint", Kind.STRING),
      Setting.of("telemetry.protocol", Kind.STRING),
      Setting.of("telemetry.headers", Kind.STRING),
      Setting.of("telemetry.service_name", Kind.STRING),
      Setting.of("log.level", Kind.STRING),
      Setting.of("log.format", Kind.STRING),
      Setting.of("metrics.enabled", Kind.BOOL),
      Setting.of("metrics.event_bus", Kind.BOOL),
      Setting.of("drain_timeout_sec", Kind.INT),
      Setting.of("store.type", Kind.STRING),
      Setting.of("store.uri", Kind.STRING).env("ARCP_PG_URI"),
      Setting.of("store.pool_size", Kind.INT),
      Setting.of("store.retention_sec", Kind.LONG),
      Setting.of("cluster.enabled", Kind.BOOL),
      Setting.of("cluster.name", Kind.STRING),
      Setting.of("cluster.host", Kind.STRING),
      Setting.of("cluster.port", Kind.INT),
      Setting.of("cluster.members", Kind.STRINGS),
      Setting.of("cluster.config_file", Kind.STRING));

  private SettingsTable() {
  }

  /** The setting with this dotted key. */
  public static Optional<Setting> find(String key) {
    return ALL.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  /** Whether {@code key} is a section holding settings ({@code limits}, {@code lease.delegation}). */
  static boolean isSection(String key) {
    return ALL.stream().anyMatch(s -> s.key().startsWith(key + "."));
  }
}
