package dev.arcpgateway.conformance;

import static dev.arcpgateway.testing.Continuity.assertRefusedBeforeWelcome;
import static dev.arcpgateway.testing.Continuity.gateIndex;
import static dev.arcpgateway.testing.Continuity.resumeOn;
import static dev.arcpgateway.testing.Continuity.resumeToken;
import static dev.arcpgateway.testing.Continuity.seq;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arcpgateway.testing.Continuity;
import dev.arcpgateway.testing.GateAgent;
import dev.arcpgateway.testing.SlowJobStore;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * §6.3 resume, issue 8 item 12: answers that carry no {@code event_seq} ({@code job.accepted} here) and are
 * written while the session is parked are kept and replayed on resume, in their place among the seq-bearing
 * frames, bounded like the resume buffer. Job records wait for a gate, so the test decides that the answer to a
 * submit comes only after the client has closed its connection (the session is parked once
 * {@code session.closed} arrives); the job then runs, driven by the test, before the client resumes.
 */
class Section6_3_RepliesWhileParkedTest {

  Vertx vertx;
  Promise<Void> gate;

  @BeforeEach
  void newVertx() {
    vertx = Vertx.vertx(); // its own event bus: the gate agent's addresses are per key, the gateway's are not
    gate = Promise.promise();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  TestGateway gateway(int resumeBufferMaxEvents) {
    return TestGateway.start(vertx, options -> options.setResumeBufferMaxEvents(resumeBufferMaxEvents),
        List.of(GateAgent.registration()), builder -> builder.store(new SlowJobStore(vertx, gate.future())));
  }

  /** Submits a gate job, then closes the connection before the submit can be answered. */
  static String submitAndLeave(WireClient client, String key) {
    String requestId = client.submit(GateAgent.NAME, GateAgent.input(key));
    client.send(Continuity.close(client.sessionId(), "away"));
    client.expect("session.closed");
    client.awaitClose();
    return requestId;
  }

  @Test
  void anAcceptedWrittenWhileParkedIsReplayedBeforeTheJobsEvents() {
    try (TestGateway gw = gateway(10_000)) {
      WireClient client = gw.session(TestGateway.ALICE);
      String requestId = submitAndLeave(client, "parked");
      gate.complete();
      GateAgent.emit(vertx, "parked", 2); // the job is running, so its job.accepted was written while parked
      GateAgent.finish(vertx, "parked");

      WireClient resumed = resumeOn(gw, Continuity.sessionResume(client.sessionId(), resumeToken(client), 0));
      JsonObject accepted = resumed.next();
      assertEquals("job.accepted", accepted.getString("type"), "the answer to the submit comes first: "
          + accepted.encode());
      assertEquals(requestId, accepted.getJsonObject("payload").getString("request_id"));
      String jobId = accepted.getString("job_id");
      List<JsonObject> rest = new ArrayList<>(resumed.untilTerminal(jobId));
      assertEquals(3, rest.size(), rest.toString());
      for (int i = 0; i < rest.size(); i++) {
        assertEquals(i + 1, seq(rest.get(i)), rest.get(i).encode());
      }
      assertEquals(0, gateIndex(rest.get(0)));
      assertEquals(1, gateIndex(rest.get(1)));
      assertEquals("job.result", rest.get(2).getString("type"));
      resumed.expectSilence(Duration.ofMillis(200));

      WireClient again = resumeOn(gw, Continuity.sessionResume(client.sessionId(), resumeToken(resumed), 3));
      again.expectSilence(Duration.ofMillis(200)); // an answer replayed once is not replayed again
    }
  }

  /**
   * Answers kept while parked are bounded by the resume buffer's event cap (3 here): five submits answered while
   * the client is away overflow it, and the resume is refused with RESUME_WINDOW_EXPIRED rather than silently
   * missing two job.accepted.
   */
  @Test
  void answersPastTheCapMakeTheResumeExpire() {
    try (TestGateway gw = gateway(3)) {
      WireClient client = gw.session(TestGateway.ALICE);
      for (int i = 0; i < 5; i++) {
        client.submit(GateAgent.NAME, GateAgent.input("many-" + i));
      }
      submitAndLeave(client, "many-5");
      gate.complete();
      for (int i = 0; i <= 5; i++) {
        GateAgent.emit(vertx, "many-" + i, 0); // each job runs: its answer was written while parked
      }

      WireClient late = gw.connect();
      JsonObject resume = Continuity.sessionResume(client.sessionId(), resumeToken(client), 0);
      late.send(resume);
      assertRefusedBeforeWelcome(late, resume.getString("id"), "RESUME_WINDOW_EXPIRED", client.sessionId());
    }
  }
}
