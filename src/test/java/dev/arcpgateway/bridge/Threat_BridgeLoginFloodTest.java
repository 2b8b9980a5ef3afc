package dev.arcpgateway.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.BridgeSocket;
import dev.arcpgateway.testing.LogCapture;
import dev.arcpgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Threat: guessing agent tokens on the bridge at full speed, unseen (issue 8 item 8). As for sessions, each refused
 * agent credential is audited once (remote address and reason, never the token, not as a warning) and, after
 * {@code after_failures} failures from one address, further attempts are held back before they are checked.
 */
@ExtendWith(VertxExtension.class)
class Threat_BridgeLoginFloodTest {

  static final long BASE_DELAY_MS = 300;
  TestGateway gateway;
  LogCapture audit;

  @BeforeEach
  void start(Vertx vertx) {
    audit = LogCapture.of("dev.arcpgateway");
    gateway = BridgeFixtures.gateway(vertx, bridge -> { }, options -> options.setLoginThrottle(new JsonObject()
        .put("after_failures", 2).put("base_delay_ms", BASE_DELAY_MS).put("max_delay_ms", 4 * BASE_DELAY_MS)));
  }

  @AfterEach
  void stop() {
    gateway.close();
    audit.close();
  }

  /** Registers an inbox with {@code token}, expects the refusal and the close; returns how long the refusal took. */
  Duration refusedAfter(String token) {
    try (BridgeSocket socket = BridgeSocket.connect(gateway.gateway().bridgePort())) {
      long start = System.nanoTime();
      socket.register(token);
      JsonObject refusal = socket.next();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals("err", refusal.getString("type"), refusal.encode());
      return took;
    }
  }

  List<String> loginLines() {
    return audit.records().stream().map(LogCapture::formatted).filter(line -> line.startsWith("login ")).toList();
  }

  @Test
  void repeatedFailuresFromOneAddressAreSlowedDownAndLoggedWithoutTheToken() {
    refusedAfter("wrong-agent-token-0");
    refusedAfter("wrong-agent-token-1");
    Duration third = refusedAfter("wrong-agent-token-2");
    assertTrue(third.toMillis() >= BASE_DELAY_MS, () -> "the third refusal waited only " + third);

    List<String> lines = loginLines();
    assertEquals("login refused remote=127.0.0.1 code=UNAUTHENTICATED reason=unknown agent token", lines.get(0),
        lines::toString);
    assertTrue(lines.contains("login throttled remote=127.0.0.1: repeated failures, further attempts are delayed"),
        lines::toString);
    assertEquals(3, lines.stream().filter(line -> line.startsWith("login refused")).count(), lines::toString);
    for (String line : audit.lines(Level.ALL)) {
      assertFalse(line.contains("wrong-agent-token"), () -> "the token must not be logged: " + line);
    }
    assertEquals(List.of(), audit.lines(Level.WARNING).stream().filter(l -> l.contains("refused")).toList(),
        "a refused agent credential is expected: not a warning");

    // the right token still gets in, after the wait
    BridgeSocket.announced(gateway.gateway().bridgePort(), BridgeFixtures.AGENT_TOKEN, "flood-survivor", "1.0.0", 0)
        .close();
  }
}
