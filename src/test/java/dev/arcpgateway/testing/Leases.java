package dev.arcpgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Small builders and readers for the lease, budget, delegation and credential conformance tests (§9, §10):
 * lease requests, submits, a job's frames up to its terminal frame, subscribe and list frames.
 */
public final class Leases {

  private Leases() {
  }

  public static JsonArray arr(String... items) {
    JsonArray array = new JsonArray();
    for (String item : items) {
      array.add(item);
    }
    return array;
  }

  /** {@code {namespace: [patterns]}}. */
  public static JsonObject lease(String namespace, String... patterns) {
    return new JsonObject().put(namespace, arr(patterns));
  }

  /** A copy of {@code base} with {@code namespace} granted {@code patterns}. */
  public static JsonObject lease(JsonObject base, String namespace, String... patterns) {
    return base.copy().put(namespace, arr(patterns));
  }

  /** A {@code job.submit} payload; {@code leaseRequest} may be null. */
  public static JsonObject payload(String agent, Object input, JsonObject leaseRequest) {
    JsonObject payload = new JsonObject().put("agent", agent).put("input", input);
    if (leaseRequest != null) {
      payload.put("lease_request", leaseRequest);
    }
    return payload;
  }

  public static JsonObject expiresAt(Instant at) {
    return new JsonObject().put("expires_at", at.toString());
  }

  public static JsonObject expiresIn(double seconds) {
    return new JsonObject().put("expires_in_s", seconds);
  }

  /** Submits {@code payload} and returns its {@code job.accepted} (the next frame must be it). */
  public static JsonObject accept(WireClient client, JsonObject payload) {
    JsonObject submit = client.submit(payload);
    return client.expectAccepted(submit.getString("id"));
  }

  /** Submits {@code payload} and reads every frame up to the job's terminal frame. */
  public static Run run(WireClient client, JsonObject payload) {
    JsonObject accepted = accept(client, payload);
    return new Run(accepted, client.untilTerminal(accepted.getString("job_id")));
  }

  /**
   * One submitted job as its session saw it.
   *
   * @param accepted the job.accepted frame
   * @param frames   every frame after it up to and including the job's terminal frame (other jobs' included)
   */
  public record Run(JsonObject accepted, List<JsonObject> frames) {

    public String jobId() {
      return accepted.getString("job_id");
    }

    public JsonObject terminal() {
      return frames.get(frames.size() - 1);
    }

    /** The terminal frame's payload. */
    public JsonObject outcome() {
      return terminal().getJsonObject("payload");
    }

    /** The inline result of a {@code job.result}; fails the test for anything else. */
    public JsonObject result() {
      assertEquals("job.result", terminal().getString("type"), () -> "expected job.result: " + terminal().encode());
      return outcome().getJsonObject("result");
    }

    /** This job's frames only. */
    public List<JsonObject> mine() {
      return ofJob(frames, jobId());
    }

    /** This job's {@code job.event} bodies of {@code kind}, in order. */
    public List<JsonObject> bodies(String kind) {
      return Leases.bodies(frames, jobId(), kind);
    }
  }

  public static List<JsonObject> ofJob(List<JsonObject> frames, String jobId) {
    return frames.stream().filter(f -> jobId.equals(f.getString("job_id"))).toList();
  }

  /** The bodies of {@code jobId}'s {@code job.event}s of {@code kind}, in order. */
  public static List<JsonObject> bodies(List<JsonObject> frames, String jobId, String kind) {
    return ofJob(frames, jobId).stream().filter(f -> "job.event".equals(f.getString("type")))
        .map(f -> f.getJsonObject("payload")).filter(p -> kind.equals(p.getString("kind")))
        .map(p -> p.getJsonObject("body")).toList();
  }

  /** The {@code cost.budget.remaining} values reported for {@code jobId} in {@code currency}, in order. */
  public static List<Double> remaining(List<JsonObject> frames, String jobId, String currency) {
    return bodies(frames, jobId, "metric").stream()
        .filter(b -> "cost.budget.remaining".equals(b.getString("name")) && currency.equals(b.getString("unit")))
        .map(b -> ((Number) b.getValue("value")).doubleValue()).toList();
  }

  /** A numeric field as a double, failing the test when it is not a JSON number. */
  public static double number(JsonObject object, String key) {
    Object value = object.getValue(key);
    assertTrue(value instanceof Number, () -> key + " must be a JSON number: " + object.encode());
    return ((Number) value).doubleValue();
  }

  public static JsonObject subscribe(String sessionId, String jobId, boolean history) {
    return Wire.frame("job.subscribe", sessionId, new JsonObject().put("job_id", jobId).put("history", history));
  }

  public static JsonObject listJobs(String sessionId) {
    return Wire.frame("session.list_jobs", sessionId, new JsonObject());
  }

  /** Lists the session's observable jobs and returns the {@code session.jobs} payload. */
  public static JsonObject list(WireClient client) {
    client.send(listJobs(client.sessionId()));
    return client.nextOfType("session.jobs").getJsonObject("payload");
  }

  /** Every frame that arrives during {@code window} (however busy the session is). */
  public static List<JsonObject> collectFor(WireClient client, Duration window) {
    List<JsonObject> frames = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      frames.addAll(client.collectUntilQuiet(Duration.ofNanos(Math.min(left, Duration.ofMillis(20).toNanos()))));
    }
    return frames;
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future failed: " + e, e);
    }
  }

  /** Polls {@code condition} every 20 ms for up to {@code within}. */
  public static void eventually(BooleanSupplier condition, Duration within, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
