package dev.arcpgateway.telemetry;

import dev.arcpgateway.config.InvalidConfigException;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.vertx.core.VertxBuilder;
import io.vertx.core.json.JsonObject;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where the standalone gateway's traces go (§11): the {@code telemetry} settings choose an exporter —
 * {@code otlp} ({@code endpoint}: the collector's base URL, {@code protocol} {@code http/protobuf} or
 * {@code grpc}, {@code headers} {@code k=v,k2=v2}), {@code logging} (spans as log lines) or {@code none}, the
 * default. The OpenTelemetry SDK is built by its autoconfiguration module, so the standard {@code OTEL_*}
 * variables and {@code otel.*} system properties work too; a {@code telemetry} setting that is given wins over
 * them, and with no exporter from either, tracing is off: no SDK, no Vert.x tracer, the no-op API on the job path.
 * When on, {@link #install(VertxBuilder)} adds Vert.x's own HTTP-server and event-bus spans to the same traces.
 */
public final class Tracing implements AutoCloseable {

  private static final Tracing OFF = new Tracing(null);

  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /** Tracing off. */
  public static Tracing off() {
    return OFF;
  }

  /**
   * Tracing as {@code telemetry} (the settings section) and the process's {@code OTEL_*} {@code env} and
   * {@code otel.*} system properties ask.
   */
  public static Tracing configure(JsonObject telemetry, Map<String, String> env) {
    Map<String, String> given = new HashMap<>();
    putIfSet(given, "otel.traces.exporter", telemetry.getString("exporter"));
    putIfSet(given, "otel.exporter.otlp.endpoint", telemetry.getString("endpoint"));
    putIfSet(given, "otel.exporter.otlp.protocol", telemetry.getString("protocol"));
    putIfSet(given, "otel.exporter.otlp.headers", telemetry.getString("headers"));
    putIfSet(given, "otel.service.name", telemetry.getString("service_name"));
    String exporter = given.getOrDefault("otel.traces.exporter",
        standard(env, "otel.traces.exporter", "none"));
    if (exporter.strip().toLowerCase(Locale.ROOT).equals("none")
        || Boolean.parseBoolean(standard(env, "otel.sdk.disabled", "false"))) {
      return OFF;
    }
    // the gateway exports traces only (OTEL_* may still turn metrics or logs on); OTLP over http/protobuf, the
    // protocol of the OpenTelemetry specification, where the Java SDK would default to grpc
    Map<String, String> defaults = Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none", "otel.service.name", "arcp-gateway",
        "otel.exporter.otlp.protocol", "http/protobuf");
    try {
      return new Tracing(AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> defaults)
          .addPropertiesCustomizer(standardOnes -> given)
          .disableShutdownHook() // closed with the gateway, after its last spans
          .build()
          .getOpenTelemetrySdk());
    } catch (ConfigurationException unusable) {
      throw new InvalidConfigException("telemetry (or OTEL_*): " + unusable.getMessage());
    }
  }

  /** A setting from {@code OTEL_FOO_BAR} or the system property {@code otel.foo.bar}, as autoconfiguration reads it. */
  private static String standard(Map<String, String> env, String property, String fallback) {
    String fromProperty = System.getProperty(property);
    if (fromProperty != null) {
      return fromProperty;
    }
    return env.getOrDefault(property.toUpperCase(Locale.ROOT).replace('.', '_'), fallback);
  }

  private static void putIfSet(Map<String, String> into, String key, String value) {
    if (value != null && !value.isBlank()) {
      into.put(key, value);
    }
  }

  /** Whether spans are recorded and exported. */
  public boolean enabled() {
    return sdk != null;
  }

  /** What the gateway's job spans go to: the SDK, or the no-op API when off. */
  public OpenTelemetry openTelemetry() {
    return sdk != null ? sdk : OpenTelemetry.noop();
  }

  /** Gives {@code builder} the Vert.x tracer when tracing is on; leaves it untouched (no tracer) when off. */
  public VertxBuilder install(VertxBuilder builder) {
    return sdk != null ? builder.withTracer(new OpenTelemetryTracingFactory(sdk)) : builder;
  }

  /** Exports what is still buffered and stops the SDK. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
