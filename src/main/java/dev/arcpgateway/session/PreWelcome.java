package dev.arcpgateway.session;

import dev.arcpgateway.bus.Addresses;
import dev.arcpgateway.bus.Bus;
import dev.arcpgateway.protocol.ArcpException;
import dev.arcpgateway.protocol.Frames;
import dev.arcpgateway.protocol.Ids;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Refuses a connection before any session exists (bad hello, failed authentication, failed resume), in the
 * order wire-notes §13 works out for all three SDK clients: {@code session.error} first (the Python client
 * reads only the first frame), then a jobless {@code job.error} echoing the hello's id (the Java client), then the
 * close. Neither carries a {@code session_id}: there is no session, and a made-up one would name a session that
 * does not exist (the TypeScript client learns the refusal from the close code and reason).
 */
final class PreWelcome {

  /** WebSocket close code 1008, policy violation. */
  static final int CLOSE_CODE = 1008;

  private PreWelcome() {
  }

  static void refuse(EventBus bus, String connectionId, String requestId, ArcpException error) {
    JsonArray frames = new JsonArray()
        .add(Frames.sessionError(null, error, requestId).encode())
        .add(Frames.requestError(null, requestId != null ? requestId : Ids.message(), null, null, error)
            .encode());
    String address = Addresses.connection(connectionId);
    bus.send(address, new JsonObject().put("op", "frames").put("frames", frames), Bus.OPTIONS);
    bus.send(address, new JsonObject().put("op", "close").put("code", CLOSE_CODE).put("reason", error.code().name()),
        Bus.OPTIONS);
  }
}
