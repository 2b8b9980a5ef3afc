package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRefusedBeforeWelcome;
import static dev.arcpgateway.testing.Continuity.chattyIndex;
import static dev.arcpgateway.testing.Continuity.isType;
import static dev.arcpgateway.testing.Continuity.logMessage;
import static dev.arcpgateway.testing.Continuity.resume;
import static dev.arcpgateway.testing.Continuity.resumeOn;
import static dev.arcpgateway.testing.Continuity.resumeToken;
import static dev.arcpgateway.testing.Continuity.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.Continuity.ResumeForm;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.IsolatedGateway;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * §6.3 resume, §8.3 gap-free sequence numbers across reconnects, wire-notes §4.1/§4.2/§13 (the three request
 * forms; token rotation; refusals as the pre-welcome sequence with RESUME_WINDOW_EXPIRED).
 */
@ExtendWith(VertxExtension.class)
class Section6_3_ResumeTest {

  /** Clients that do not acknowledge (so that the §6.5 back-pressure hold never applies). */
  static final List<String> NO_ACK = Continuity.featuresWithout("ack");

  static TestGateway gateway;

  @BeforeAll
  static void start(Vertx vertx) {
    gateway = TestGateway.start(vertx, options -> { }, List.of(GateAgent.registration()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /**
   * The required test: the socket drops in the middle of a 10,000-event chatty job; a resume in any of the three
   * forms continues the same session with a new token, and every event_seq from last+1 to the job.result arrives
   * exactly once, in order, with every chatty message present exactly once across both connections.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(ResumeForm.class)
  void dropMidChattyJobAndResumeReplaysEverythingOnceInOrder(ResumeForm form) {
    WireClient first = Continuity.session(gateway, TestGateway.ALICE, NO_ACK);
    String sessionId = first.sessionId();
    String token = resumeToken(first);
    first.submit("chatty", new JsonObject().put("count", 10_000).put("size", 32));
    String jobId = first.expect("job.accepted").getString("job_id");

    List<JsonObject> before = new ArrayList<>();
    while (before.size() < 1_500) {
      before.add(first.next());
    }
    first.drop();
    long last = seq(before.get(before.size() - 1));
    assertEquals(1_500, last, "the first connection saw event_seq 1..1500");

    WireClient second = resumeOn(gateway, resume(form, TestGateway.ALICE, sessionId, token, last, NO_ACK));
    assertEquals(sessionId, second.sessionId(), "resume continues the same session");
    assertEquals(sessionId, second.welcome().getJsonObject("payload").getString("session_id"));
    assertNotEquals(token, resumeToken(second), "the resume token rotates on every welcome");
    List<JsonObject> after = second.untilTerminal(jobId);

    long expected = last + 1;
    for (JsonObject frame : after) {
      assertEquals(expected++, seq(frame), "replayed and live frames continue gap-free: " + frame.encode());
      assertEquals(jobId, frame.getString("job_id"));
      assertEquals(sessionId, frame.getString("session_id"));
    }
    JsonObject result = after.get(after.size() - 1);
    assertEquals("job.result", result.getString("type"), result.encode());
    assertEquals(10_000, result.getJsonObject("payload").getJsonObject("result").getInteger("count"));
    assertEquals(10_001, seq(result), "10,000 events then the result");

    List<JsonObject> all = new ArrayList<>(before);
    all.addAll(after.subList(0, after.size() - 1));
    boolean[] present = new boolean[10_000];
    for (int i = 0; i < all.size(); i++) {
      JsonObject frame = all.get(i);
      assertEquals(i + 1, seq(frame), frame.encode());
      int index = chattyIndex(frame);
      assertEquals(i, index, "message numbers in order: " + logMessage(frame));
      assertFalse(present[index], "event " + index + " twice");
      present[index] = true;
    }
    for (int i = 0; i < present.length; i++) {
      assertTrue(present[i], "event " + i + " missing");
    }
  }

  /** The job keeps running while the session is parked; its events wait in the buffer for the resume. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(ResumeForm.class)
  void eventsEmittedWhileParkedAreReplayed(ResumeForm form) {
    WireClient first = gateway.session(TestGateway.ALICE);
    String key = "parked-" + form;
    first.submit(GateAgent.NAME, GateAgent.input(key));
    String jobId = first.expect("job.accepted").getString("job_id");
    GateAgent.emit(gateway.vertx(), key, 2);
    assertEquals(1, seq(first.expect("job.event")));
    assertEquals(2, seq(first.expect("job.event")));
    first.drop();

    GateAgent.emit(gateway.vertx(), key, 3); // the job runs on while nobody is connected
    GateAgent.finish(gateway.vertx(), key);

    WireClient second = resumeOn(gateway, resume(form, TestGateway.ALICE, first.sessionId(), resumeToken(first), 2));
    for (int i = 2; i < 5; i++) {
      JsonObject event = second.expect("job.event");
      assertEquals(i + 1, seq(event));
      assertEquals("step " + i, logMessage(event));
    }
    JsonObject result = second.expect("job.result");
    assertEquals(6, seq(result));
    assertEquals(jobId, result.getString("job_id"));
    second.expectSilence(Duration.ofMillis(300));
  }

  /** Resuming with the token the previous welcome replaced is refused; the current one still works. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(ResumeForm.class)
  void staleTokenIsRefusedWithResumeWindowExpired(ResumeForm form) {
    WireClient first = gateway.session(TestGateway.ALICE);
    String sessionId = first.sessionId();
    String oldToken = resumeToken(first);
    first.submit("echo", new JsonObject().put("n", 1));
    first.expect("job.accepted");
    assertEquals(1, seq(first.expect("job.result")));
    first.drop();

    WireClient second = resumeOn(gateway, resume(form, TestGateway.ALICE, sessionId, oldToken, 1));
    String newToken = resumeToken(second);
    assertNotEquals(oldToken, newToken);
    second.drop();

    WireClient third = gateway.connect();
    JsonObject stale = resume(form, TestGateway.ALICE, sessionId, oldToken, 1);
    third.send(stale);
    assertRefusedBeforeWelcome(third, stale.getString("id"), "RESUME_WINDOW_EXPIRED", sessionId);

    WireClient fourth = resumeOn(gateway, resume(form, TestGateway.ALICE, sessionId, newToken, 1));
    assertEquals(sessionId, fourth.sessionId(), "a refused attempt does not end the session");
    fourth.expectSilence(Duration.ofMillis(200));
  }

  /** last_event_seq beyond what the session ever sent: refused rather than silently accepted. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(ResumeForm.class)
  void lastEventSeqBeyondWhatWasSentIsRefused(ResumeForm form) {
    WireClient first = gateway.session(TestGateway.ALICE);
    first.submit("echo", new JsonObject());
    first.expect("job.accepted");
    assertEquals(1, seq(first.expect("job.result")));
    first.drop();

    WireClient second = gateway.connect();
    JsonObject ahead = resume(form, TestGateway.ALICE, first.sessionId(), resumeToken(first), 5);
    second.send(ahead);
    assertRefusedBeforeWelcome(second, ahead.getString("id"), "RESUME_WINDOW_EXPIRED", first.sessionId());

    WireClient third = resumeOn(gateway, resume(form, TestGateway.ALICE, first.sessionId(), resumeToken(first), 1));
    third.expectSilence(Duration.ofMillis(200));
    third.submit("echo", new JsonObject());
    third.expect("job.accepted");
    assertEquals(2, seq(third.expect("job.result")), "numbering goes on where it was");
  }

  /** A resume that needs frames the bounded buffer already evicted gets RESUME_WINDOW_EXPIRED, never a gap. */
  @Test
  void lastEventSeqBeforeEvictedFramesIsRefused() {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setResumeBufferMaxEvents(16))) {
      TestGateway small = isolated.gateway();
      WireClient first = small.session(TestGateway.ALICE);
      for (int i = 1; i <= 20; i++) {
        first.submit("echo", new JsonObject().put("i", i));
        first.expect("job.accepted");
        assertEquals(i, seq(first.expect("job.result")));
      }
      first.drop(); // the buffer holds 5..20; 1..4 were evicted

      for (ResumeForm form : ResumeForm.values()) {
        WireClient refused = small.connect();
        JsonObject tooOld = resume(form, TestGateway.ALICE, first.sessionId(), resumeToken(first), 3);
        refused.send(tooOld);
        assertRefusedBeforeWelcome(refused, tooOld.getString("id"), "RESUME_WINDOW_EXPIRED", first.sessionId());
      }

      WireClient resumed = resumeOn(small, resume(ResumeForm.HELLO_NESTED, TestGateway.ALICE, first.sessionId(),
          resumeToken(first), 4));
      for (long s = 5; s <= 20; s++) {
        JsonObject frame = resumed.expect("job.result");
        assertEquals(s, seq(frame));
      }
      resumed.expectSilence(Duration.ofMillis(200));
    }
  }

  /**
   * A session (of a client that does not acknowledge) parked for longer than resume_window_sec is gone:
   * RESUME_WINDOW_EXPIRED in every form.
   */
  @Test
  void resumeAfterTheWindowIsRefused() throws InterruptedException {
    try (IsolatedGateway isolated = IsolatedGateway.start(options -> options.setResumeWindowSec(1))) {
      TestGateway brief = isolated.gateway();
      WireClient control = brief.session(TestGateway.ALICE);
      control.drop();
      WireClient withinWindow = resumeOn(brief,
          resume(ResumeForm.HELLO_NESTED, TestGateway.ALICE, control.sessionId(), resumeToken(control), 0));
      assertEquals(control.sessionId(), withinWindow.sessionId(), "within the window the resume works");

      List<WireClient> parked = new ArrayList<>();
      for (int i = 0; i < ResumeForm.values().length; i++) {
        WireClient client = Continuity.session(brief, TestGateway.ALICE, NO_ACK); // the time window governs
        client.submit("echo", new JsonObject());
        client.expect("job.accepted");
        assertEquals(1, seq(client.expect("job.result")));
        client.drop();
        parked.add(client);
      }
      Thread.sleep(2_200);
      for (ResumeForm form : ResumeForm.values()) {
        WireClient old = parked.get(form.ordinal());
        WireClient late = brief.connect();
        JsonObject frame = resume(form, TestGateway.ALICE, old.sessionId(), resumeToken(old), 0, NO_ACK);
        late.send(frame);
        assertRefusedBeforeWelcome(late, frame.getString("id"), "RESUME_WINDOW_EXPIRED", old.sessionId());
      }
    }
  }

  /** Resuming while the old connection is still open takes the session over: the old one is closed with 4001. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(ResumeForm.class)
  void resumeWhileConnectedTakesOver(ResumeForm form) {
    WireClient first = gateway.session(TestGateway.ALICE);
    first.submit("echo", new JsonObject());
    first.expect("job.accepted");
    assertEquals(1, seq(first.expect("job.result")));

    WireClient second = resumeOn(gateway, resume(form, TestGateway.ALICE, first.sessionId(), resumeToken(first), 1));
    assertEquals(4001, first.awaitClose(), "the connection that was taken over is closed with 4001");
    assertEquals(first.sessionId(), second.sessionId());

    second.submit("echo", new JsonObject());
    JsonObject accepted = second.expect("job.accepted");
    assertEquals(first.sessionId(), accepted.getString("session_id"));
    assertEquals(2, seq(second.expect("job.result")), "the new connection continues the numbering");
  }

  /** §6.7: after session.close the in-flight job goes on and the session stays resumable within the window. */
  @Test
  void aClosedSessionStaysResumable() {
    WireClient first = gateway.session(TestGateway.ALICE);
    first.submit(GateAgent.NAME, GateAgent.input("closed-session"));
    String jobId = first.expect("job.accepted").getString("job_id");
    first.send(Continuity.close(first.sessionId(), "bye for now"));
    assertEquals("bye for now", first.expect("session.closed").getJsonObject("payload").getString("reason"));
    first.awaitClose();

    GateAgent.emit(gateway.vertx(), "closed-session", 1);
    GateAgent.finish(gateway.vertx(), "closed-session");
    WireClient second = resumeOn(gateway,
        resume(ResumeForm.HELLO_NESTED, TestGateway.ALICE, first.sessionId(), resumeToken(first), 0));
    assertEquals(1, seq(second.expect("job.event")));
    JsonObject result = second.expect("job.result");
    assertEquals(2, seq(result));
    assertEquals(jobId, result.getString("job_id"), "closing did not cancel the job");
  }

  /** The token proves the session only together with its principal: bob cannot resume alice's session. */
  @Test
  void anotherPrincipalCannotResume() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    alice.drop();
    WireClient bob = gateway.connect();
    JsonObject frame = resume(ResumeForm.HELLO_NESTED, TestGateway.BOB, alice.sessionId(), resumeToken(alice), 0);
    bob.send(frame);
    JsonObject error = assertRefusedBeforeWelcome(bob, frame.getString("id"), "RESUME_WINDOW_EXPIRED",
        alice.sessionId());
    assertTrue(isType(error, "session.error"));

    WireClient aliceAgain = resumeOn(gateway,
        resume(ResumeForm.HELLO_NESTED, TestGateway.ALICE, alice.sessionId(), resumeToken(alice), 0));
    assertEquals(alice.sessionId(), aliceAgain.sessionId());
  }

  /** §14: a forged token for another principal's live session and an unknown session id get the same answer. */
  @Test
  void anotherPrincipalsSessionIsIndistinguishableFromAnUnknownOne() {
    WireClient alice = gateway.session(TestGateway.ALICE);
    alice.drop();
    WireClient forged = gateway.connect();
    JsonObject forgedFrame = resume(ResumeForm.HELLO_NESTED, TestGateway.BOB, alice.sessionId(), "rt_forged", 0);
    forged.send(forgedFrame);
    JsonObject forgedError = assertRefusedBeforeWelcome(forged, forgedFrame.getString("id"),
        "RESUME_WINDOW_EXPIRED", alice.sessionId());

    WireClient unknown = gateway.connect();
    JsonObject unknownFrame = resume(ResumeForm.HELLO_NESTED, TestGateway.BOB, "sess_01ZZZZZZZZZZZZZZZZZZZZZZZZ",
        "rt_forged", 0);
    unknown.send(unknownFrame);
    JsonObject unknownError = assertRefusedBeforeWelcome(unknown, unknownFrame.getString("id"),
        "RESUME_WINDOW_EXPIRED", null);
    assertEquals(forgedError.getJsonObject("payload").getString("message"),
        unknownError.getJsonObject("payload").getString("message"));
  }
}
