package dev.arcpgateway.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.testing.JobFrames;
import dev.arcpgateway.testing.TestGateway;
import dev.arcpgateway.testing.Wire;
import dev.arcpgateway.testing.WireClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A job's address refuses what it does not understand (issue 8 item 2, the job side): a missing body, a missing
 * or unknown op, and session operations without the session and principal they need are answered
 * INVALID_REQUEST, never a NullPointerException, and the job carries on. The bridge keeps agents from sending
 * these at all (Threat_BridgeAgentAuthorityTest); this is the job runner's own guard, on the bus.
 */
@ExtendWith(VertxExtension.class)
class Threat_JobAddressRobustnessTest {

  @Test
  void malformedMessagesOnAJobAddressAreRefusedAndTheJobCarriesOn(Vertx vertx) throws Exception {
    try (TestGateway gateway = TestGateway.start(vertx)) {
      WireClient alice = gateway.session(TestGateway.ALICE);
      String requestId = alice.submit(new JsonObject().put("agent", "slow")
          .put("input", new JsonObject().put("seconds", 30))).getString("id");
      String jobId = alice.expectAccepted(requestId).getString("job_id");
      List<JsonObject> bodies = new ArrayList<>();
      bodies.add(null);
      bodies.add(new JsonObject());
      bodies.add(new JsonObject().put("op", 7));
      bodies.add(new JsonObject().put("op", "no-such-op"));
      bodies.add(new JsonObject().put("op", "subscribe"));
      bodies.add(new JsonObject().put("op", "subscribe").put("principal", "alice"));
      bodies.add(new JsonObject().put("op", "cancel").put("session_id", alice.sessionId()));
      for (JsonObject body : bodies) {
        try {
          vertx.eventBus().request(Addresses.job(jobId), body, new DeliveryOptions().setSendTimeout(5_000))
              .await(10, TimeUnit.SECONDS);
          throw new AssertionError(body + " was accepted");
        } catch (ReplyException refused) {
          assertEquals(4000, refused.failureCode(), body + ": " + refused.getMessage());
          assertEquals("INVALID_REQUEST", new JsonObject(refused.getMessage()).getString("code"),
              body + ": " + refused.getMessage());
        }
      }
      // the job still runs and answers its submitter's cancel
      alice.send(Wire.cancel(alice.sessionId(), jobId, "enough"));
      List<JsonObject> frames = alice.untilTerminal(jobId);
      JsonObject last = JobFrames.last(frames);
      assertEquals("job.error", JobFrames.type(last), frames.toString());
      JobFrames.assertErrorPayload(JobFrames.payload(last), "cancelled", "CANCELLED");
      assertTrue(frames.stream().noneMatch(f -> "job.subscribed".equals(JobFrames.type(f))), frames.toString());
    }
  }
}
