package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRefusedBeforeWelcome;
import static dev.arcpgateway.testing.Continuity.code;
import static dev.arcpgateway.testing.Continuity.isType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.IsolatedGateway;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * §14 "Heartbeat amplification": per-principal session caps (a further hello is refused with the pre-welcome
 * sequence, PERMISSION_DENIED, while other principals still connect) and eviction of sessions with no throughput
 * (heartbeats do not count; a session with a running job is not idle).
 */
class Section14_LimitsTest {

  @Test
  void theThirdSessionOfAPrincipalIsRefusedWhileOthersConnect() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setMaxSessionsPerPrincipal(2))) {
      TestGateway gw = isolated.gateway();
      WireClient first = gw.session(TestGateway.ALICE);
      WireClient second = gw.session(TestGateway.ALICE);
      assertFalse(first.sessionId().equals(second.sessionId()));

      WireClient third = gw.connect();
      JsonObject hello = Wire.hello(TestGateway.ALICE);
      third.send(hello);
      JsonObject error = assertRefusedBeforeWelcome(third, hello.getString("id"), "PERMISSION_DENIED", null);
      assertNotNull(error.getJsonObject("payload").getString("message"));

      WireClient bob = gw.session(TestGateway.BOB);
      assertTrue(bob.sessionId().startsWith("sess_"), "another principal still connects");
      assertFalse(first.isClosed() || second.isClosed(), "the existing sessions are untouched");
      first.send(Continuity.ping(first.sessionId(), "still-here"));
      assertEquals("still-here", first.nextOfType("session.pong").getJsonObject("payload").getString("ping_nonce"));
    }
  }

  /**
   * With idle_session_evict_sec 2 and 1 s heartbeats: a session that only exchanges heartbeats is sent a
   * session.error and closed after about 2–3 s, and cannot be resumed afterwards; a session whose job is still
   * running is left alone and gets its result.
   */
  @Test
  void sessionsWithoutThroughputAreEvictedButNotThoseWithARunningJob() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setIdleSessionEvictSec(2)
        .setHeartbeatIntervalSec(1))) {
      TestGateway gw = isolated.gateway();
      WireClient busy = Continuity.session(gw, TestGateway.BOB, Continuity.featuresWithout("heartbeat"));
      busy.submit("slow", new JsonObject().put("seconds", 4));
      String jobId = busy.expect("job.accepted").getString("job_id");

      WireClient idle = gw.session(TestGateway.ALICE);
      long start = System.nanoTime();
      JsonObject evicted = null;
      while (evicted == null) {
        JsonObject frame = idle.next(Duration.ofSeconds(5));
        if (isType(frame, "session.ping")) {
          // the eviction may close the socket right after a ping: the answer then finds it closed
          idle.trySend(Continuity.pong(idle.sessionId(), frame.getJsonObject("payload").getString("nonce")));
          idle.trySend(Continuity.ping(idle.sessionId(), "keepalive"));
        } else if (isType(frame, "session.error")) {
          evicted = frame;
        } else {
          assertEquals("session.pong", frame.getString("type"), "an idle session sees only heartbeats: "
              + frame.encode());
        }
      }
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertNotNull(code(evicted), evicted.encode());
      assertEquals(idle.sessionId(), evicted.getString("session_id"));
      assertTrue(ms >= 1_900 && ms <= 4_000, "evicted after " + ms + " ms of heartbeats only");
      idle.awaitClose();

      WireClient again = gw.connect();
      JsonObject resume = Continuity.sessionResume(idle.sessionId(), Continuity.resumeToken(idle), 0);
      again.send(resume);
      assertRefusedBeforeWelcome(again, resume.getString("id"), "RESUME_WINDOW_EXPIRED", idle.sessionId());

      JsonObject last;
      do {
        last = busy.next(Duration.ofSeconds(5));
        assertFalse(isType(last, "session.error"), "a session with a running job is not idle: " + last.encode());
      } while (!isType(last, "job.result"));
      assertEquals(jobId, last.getString("job_id"));
      assertFalse(busy.isClosed());
    }
  }
}
