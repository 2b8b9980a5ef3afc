package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Refusals.assertPreWelcomeRefusal;
import static dev.arcpgateway.testing.Refusals.assertUsable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.LogCapture;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threat: guessing tokens at full speed, unseen (issue 8 item 8). Every refused hello is written to the audit log
 * once, with the remote address and the reason and never the token; after {@code after_failures} failures from
 * one address its further attempts are held back (the wait doubling per failure), and still answered with the
 * ordinary UNAUTHENTICATED refusal. The throttle's arithmetic is {@code LoginThrottleTest}'s, on a fake clock.
 */
@ExtendWith(VertxExtension.class)
class Threat_LoginFloodTest {

  static final long BASE_DELAY_MS = 300;

  LogCapture audit;
  TestGateway gateway;

  @BeforeEach
  void start(Vertx vertx) {
    audit = LogCapture.of("dev.arcpgateway.audit");
    gateway = TestGateway.start(vertx, options -> options.setLoginThrottle(new JsonObject().put("after_failures", 3)
        .put("base_delay_ms", BASE_DELAY_MS).put("max_delay_ms", 4 * BASE_DELAY_MS)));
  }

  @AfterEach
  void stop() {
    audit.close();
    gateway.close();
  }

  /** Says hello with {@code token} and expects the pre-welcome UNAUTHENTICATED refusal; returns how long it took. */
  Duration refusedAfter(String token) {
    WireClient client = gateway.connect();
    JsonObject hello = Wire.hello(token);
    long start = System.nanoTime();
    client.send(hello);
    assertPreWelcomeRefusal(client, hello.getString("id"), "UNAUTHENTICATED");
    return Duration.ofNanos(System.nanoTime() - start);
  }

  List<String> loginLines() {
    SimpleFormatter formatter = new SimpleFormatter();
    return audit.records().stream().map(formatter::formatMessage).filter(line -> line.startsWith("login ")).toList();
  }

  @Test
  void repeatedFailuresFromOneAddressAreSlowedDownAndStillRefusedUnauthenticated() {
    for (int i = 0; i < 3; i++) {
      refusedAfter("wrong-" + i);
    }
    Duration fourth = refusedAfter("wrong-3");
    assertTrue(fourth.toMillis() >= BASE_DELAY_MS, () -> "the fourth refusal waited only " + fourth);
    Duration fifth = refusedAfter("wrong-4");
    assertTrue(fifth.toMillis() >= 2 * BASE_DELAY_MS, () -> "the wait doubles; the fifth waited only " + fifth);

    WireClient alice = gateway.session(TestGateway.ALICE); // the right token still gets in, after the wait
    assertUsable(alice);
    assertTrue(loginLines().contains("login throttled remote=127.0.0.1: repeated failures, further attempts are "
        + "delayed"), () -> "the start of the throttle is logged: " + loginLines());
  }

  /** Parallel connections do not multiply the rate: attempts queue, and those past the longest wait are refused. */
  @Test
  void parallelAttemptsBeyondTheLongestWaitAreRefusedAtOnce() {
    for (int i = 0; i < 3; i++) {
      refusedAfter("wrong-" + i);
    }
    List<WireClient> clients = new ArrayList<>();
    List<JsonObject> hellos = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      clients.add(gateway.connect());
      hellos.add(Wire.hello("parallel-" + i));
    }
    for (int i = 0; i < 8; i++) {
      clients.get(i).send(hellos.get(i));
    }
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      messages.add(assertPreWelcomeRefusal(clients.get(i), hellos.get(i).getString("id"), "UNAUTHENTICATED")
          .getJsonObject("payload").getString("message"));
    }
    assertTrue(messages.contains("too many failed logins from this address; try again later"), messages::toString);
    assertTrue(messages.contains("unknown bearer token"), () -> "the first attempts were verified: " + messages);
  }

  @Test
  void eachRefusalIsLoggedOnceWithTheRemoteAddressAndNeverTheToken() {
    String token = "guess-" + Wire.ulid();
    refusedAfter(token);
    List<String> lines = loginLines();
    assertEquals(List.of("login refused remote=127.0.0.1 code=UNAUTHENTICATED reason=unknown bearer token"), lines);
    assertTrue(audit.records().stream().allMatch(record -> record.getLevel().intValue() <= java.util.logging.Level.INFO
        .intValue()), "a refused login is expected: not logged as a warning or an error");
    for (LogRecord record : audit.records()) {
      String text = new SimpleFormatter().format(record);
      assertFalse(text.contains(token), () -> "the token must not be logged: " + text);
    }
  }

  /** Spreading connections over lanes (event loops) does not spread the count of failures. */
  @Test
  void failuresCountPerAddressAcrossLanes(Vertx vertx) {
    gateway.close();
    gateway = TestGateway.start(vertx, options -> options.setLanes(3)
        .setLoginThrottle(new JsonObject().put("after_failures", 3).put("base_delay_ms", BASE_DELAY_MS)
            .put("max_delay_ms", 4 * BASE_DELAY_MS)));
    for (int i = 0; i < 3; i++) {
      refusedAfter("spread-" + i);
    }
    Duration fourth = refusedAfter("spread-3");
    assertTrue(fourth.toMillis() >= BASE_DELAY_MS, () -> "the fourth refusal, on whichever instance, waited only "
        + fourth);
  }

  @Test
  void aSuccessfulLoginIsNotLoggedAsARefusal() {
    assertUsable(gateway.session(TestGateway.BOB));
    assertEquals(List.of(), loginLines());
  }
}
