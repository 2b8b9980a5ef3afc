package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRefusedBeforeWelcome;
import static dev.arcpgateway.testing.Continuity.isType;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.IsolatedGateway;
import dev.arcpgateway.testing.SlowSessionStore;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * §14 session caps, attacked from outside: a principal that closes its sessions must not lock itself out (a
 * closed session frees its slot at once, though it stays resumable, §6.7), and hellos racing at the cap must not
 * all pass.
 */
class Threat_SessionCapLockoutTest {

  @Test
  void closedSessionsFreeTheirSlotAtOnce() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setMaxSessionsPerPrincipal(2))) {
      TestGateway gw = isolated.gateway();
      WireClient kept = gw.session(TestGateway.ALICE);
      for (int round = 0; round < 6; round++) {
        WireClient client = gw.session(TestGateway.ALICE); // refused from the second round on before the fix
        boolean bye = round % 2 == 1;
        client.send(bye ? Wire.frame("session.bye", client.sessionId(), new JsonObject())
            : Wire.close(client.sessionId(), "done"));
        client.expect(bye ? "session.bye" : "session.closed");
        client.awaitClose();
      }
      kept.send(Continuity.ping(kept.sessionId(), "still-here"));
      assertEquals("still-here", kept.expect("session.pong").getJsonObject("payload").getString("ping_nonce"));
    }
  }

  @Test
  void resumingAClosedSessionTakesASlotAgain() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setMaxSessionsPerPrincipal(1))) {
      TestGateway gw = isolated.gateway();
      WireClient closed = gw.session(TestGateway.ALICE);
      String token = Continuity.resumeToken(closed);
      closed.send(Wire.close(closed.sessionId(), "later"));
      closed.expect("session.closed");
      closed.awaitClose();

      WireClient other = gw.session(TestGateway.ALICE); // the closed session's slot is free
      WireClient refused = gw.connect();
      JsonObject resume = Continuity.helloResume(TestGateway.ALICE, closed.sessionId(), token, 0);
      refused.send(resume);
      assertRefusedBeforeWelcome(refused, resume.getString("id"), "PERMISSION_DENIED", null);

      other.send(Wire.close(other.sessionId(), "make room"));
      other.expect("session.closed");
      WireClient resumed = Continuity.resumeOn(gw, Continuity.helloResume(TestGateway.ALICE, closed.sessionId(),
          token, 0));
      assertEquals(closed.sessionId(), resumed.sessionId(), "§6.7: a closed session stays resumable");
      WireClient third = gw.connect();
      JsonObject hello = Wire.hello(TestGateway.ALICE);
      third.send(hello);
      assertRefusedBeforeWelcome(third, hello.getString("id"), "PERMISSION_DENIED", null);
    }
  }

  /**
   * Eight hellos sent at once, on two lanes, against a store whose session calls take 50 ms (a remote
   * database), with room for two: exactly two are welcomed.
   */
  @Test
  void racingHellosAtTheCapCannotAllPass() {
    Vertx vertx = Vertx.vertx();
    try (TestGateway gw = TestGateway.start(vertx, options -> options.setMaxSessionsPerPrincipal(2)
        .setLanes(2), List.of(),
        builder -> builder.store(new SlowSessionStore(vertx, 50)))) {
      List<WireClient> clients = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        clients.add(gw.connect());
      }
      clients.forEach(client -> client.send(Wire.hello(TestGateway.ALICE)));
      int welcomed = 0;
      for (WireClient client : clients) {
        JsonObject first = client.next();
        if (isType(first, "session.welcome")) {
          welcomed++;
        } else {
          assertEquals("PERMISSION_DENIED", Continuity.code(first), first.encode());
        }
      }
      assertEquals(2, welcomed, "max_sessions_per_principal 2");
    } finally {
      vertx.close();
    }
  }
}
