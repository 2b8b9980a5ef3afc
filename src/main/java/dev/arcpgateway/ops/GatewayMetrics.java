package dev.arcpgateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's own meters, named the Prometheus way once scraped ({@code arcp_…}, base units, counters ending in
 * {@code _total}). Per-event meters are created once and cached here, so the hot path costs one counter
 * increment and no tag lookup; meters with tags (agent and status, capability, currency, store operation) are
 * looked up in a map on rarer occasions (a job's end, a denial, a charge, a store call). Safe from any thread.
 * {@link #off()} keeps the same calls at the cost of a no-op.
 */
public final class GatewayMetrics {

  /** Job durations span milliseconds (echo) to hours: a few buckets per decade keep a scrape small. */
  private static final Duration[] JOB_BUCKETS = durations(10, 50, 100, 500, 1_000, 5_000, 10_000, 30_000, 60_000,
      300_000, 900_000, 3_600_000);
  /** Store calls: sub-millisecond in memory, milliseconds to seconds over a network. */
  private static final Duration[] STORE_BUCKETS = durations(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 5_000);

  private final MeterRegistry registry;
  private final Counter eventsEmitted;
  private final Counter eventsDelivered;
  private final Counter backPressure;
  private final Counter replays;
  private final DistributionSummary replayedFrames;
  private final List<SessionCounts> sessionInstances = new CopyOnWriteArrayList<>();
  private final AtomicInteger bridgeConnections = new AtomicInteger();
  private final AtomicInteger agentsOnline = new AtomicInteger();
  private final Map<String, Timer> jobDurations = new ConcurrentHashMap<>();
  private final Map<String, Counter> leaseDenials = new ConcurrentHashMap<>();
  private final Map<String, Counter> budgetSpent = new ConcurrentHashMap<>();
  private final Map<String, Timer> storeCalls = new ConcurrentHashMap<>();

  /** Registers the gateway's meters in {@code registry}; {@code runningJobs} is read by a gauge. */
  public GatewayMetrics(MeterRegistry registry, LiveCount runningJobs) {
    this.registry = registry;
    eventsEmitted = Counter.builder("arcp.events.emitted")
        .description("job events, results and errors emitted by jobs (before fan-out to sessions)")
        .register(registry);
    eventsDelivered = Counter.builder("arcp.events.delivered")
        .description("sequenced job frames written to sessions (one per observing session)").register(registry);
    backPressure = Counter.builder("arcp.back.pressure.signals")
        .description("back_pressure status events sent to clients lagging in their acknowledgements")
        .register(registry);
    replays = Counter.builder("arcp.resume.replays").description("sessions resumed with a replay")
        .register(registry);
    replayedFrames = DistributionSummary.builder("arcp.resume.replay.frames").baseUnit("frames")
        .description("frames replayed per resume").register(registry);
    Gauge.builder("arcp.sessions.open", sessionInstances, GatewayMetrics::attached)
        .description("sessions with a transport attached").register(registry);
    Gauge.builder("arcp.sessions.parked", sessionInstances, GatewayMetrics::parked)
        .description("sessions without a transport, resumable until their window passes").register(registry);
    Gauge.builder("arcp.jobs.running", runningJobs, LiveCount::count)
        .description("jobs accepted and not ended").register(registry);
    Gauge.builder("arcp.bridge.connections", bridgeConnections, AtomicInteger::get)
        .description("agent processes connected to the bridge").register(registry);
    Gauge.builder("arcp.agents.online", agentsOnline, AtomicInteger::get)
        .description("agent versions that can take jobs now (Java and bridged)").register(registry);
  }

  /** Meters that count nothing: for a gateway with metrics off. */
  public static GatewayMetrics off() {
    return new GatewayMetrics(new CompositeMeterRegistry(), new LiveCount());
  }

  /** Where the meters live. */
  public MeterRegistry registry() {
    return registry;
  }

  /** A job emitted a numbered frame (event, result or error), before fan-out. */
  public void eventEmitted() {
    eventsEmitted.increment();
  }

  /** A session wrote a numbered job frame to its client (or buffered it for a resume). */
  public void eventDelivered() {
    eventsDelivered.increment();
  }

  /** A lagging client was sent a {@code back_pressure} status. */
  public void backPressureSignalled() {
    backPressure.increment();
  }

  /** A session resumed and was replayed {@code frames} frames. */
  public void replayed(int frames) {
    replays.increment();
    replayedFrames.record(frames);
  }

  /** A job of {@code agent} ended with {@code status} after {@code nanos}. */
  public void jobEnded(String agent, String status, long nanos) {
    jobDurations.computeIfAbsent(agent + '\n' + status, key -> Timer.builder("arcp.job.duration")
            .description("time from acceptance to the terminal frame, by agent and final status")
            .tag("agent", agent).tag("status", status).serviceLevelObjectives(JOB_BUCKETS).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The lease refused an operation of {@code capability} (not granted, expired, or out of budget). */
  public void leaseDenied(String capability) {
    leaseDenials.computeIfAbsent(capability, key -> Counter.builder("arcp.lease.denials")
        .description("operations refused by the job's lease, by capability").tag("capability", capability)
        .register(registry)).increment();
  }

  /** A job was charged {@code amount} of {@code currency}. */
  public void budgetSpent(String currency, double amount) {
    budgetSpent.computeIfAbsent(currency, key -> Counter.builder("arcp.budget.spent")
        .description("cost charged against job budgets, by currency").tag("currency", currency)
        .register(registry)).increment(amount);
  }

  /** The timer of the store operation {@code operation}, e.g. {@code jobs.put}. */
  public Timer storeCall(String operation) {
    return storeCalls.computeIfAbsent(operation, key -> Timer.builder("arcp.store.latency")
        .description("time the store took to answer, by operation").tag("operation", operation)
        .serviceLevelObjectives(STORE_BUCKETS).register(registry));
  }

  /** An agent process connected to the bridge. */
  public void bridgeConnectionOpened() {
    bridgeConnections.incrementAndGet();
  }

  /** An agent process left the bridge. */
  public void bridgeConnectionClosed() {
    bridgeConnections.decrementAndGet();
  }

  /** The inventory now holds {@code versions} agent versions. */
  public void agentsOnline(int versions) {
    agentsOnline.set(versions);
  }

  /** The counts of one session-verticle instance, which it refreshes from its own event loop. */
  public SessionCounts sessionInstance() {
    SessionCounts counts = new SessionCounts();
    sessionInstances.add(counts);
    return counts;
  }

  private static Duration[] durations(long... millis) {
    Duration[] buckets = new Duration[millis.length];
    for (int i = 0; i < millis.length; i++) {
      buckets[i] = Duration.ofMillis(millis[i]);
    }
    return buckets;
  }

  private static double attached(List<SessionCounts> instances) {
    return instances.stream().mapToLong(c -> c.attached.get()).sum();
  }

  private static double parked(List<SessionCounts> instances) {
    return instances.stream().mapToLong(c -> c.parked.get()).sum();
  }

  /** Sessions of one instance: written by that instance, summed by the gauges. */
  public static final class SessionCounts {
    private final AtomicLong attached = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();

    /** This instance holds {@code attachedSessions} with a transport and {@code parkedSessions} without. */
    public void set(long attachedSessions, long parkedSessions) {
      attached.set(attachedSessions);
      parked.set(parkedSessions);
    }
  }
}
