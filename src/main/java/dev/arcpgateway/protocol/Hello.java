package dev.arcpgateway.protocol;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A parsed {@code session.hello} (§6.1, §6.2) or {@code session.resume} frame.
 *
 * @param id           the frame's id
 * @param client       {@code client} info ({@code {name, version}}), or an empty object
 * @param auth         the {@code auth} object, or null when absent
 * @param features     requested feature flags
 * @param featuresSent whether the client listed features at all (a resume without them keeps the old set)
 * @param resume       the resume request, or null for a new session
 */
public record Hello(String id, JsonObject client, JsonObject auth, Set<String> features, boolean featuresSent,
                    ResumeRequest resume) {

  /**
   * A request to continue a session, in any of the three forms the SDKs send: a {@code session.resume} frame,
   * {@code hello.payload.resume{session_id, resume_token, last_event_seq}} (TypeScript, Python), or flat
   * {@code hello.payload.resume_token} + {@code last_event_seq} (Java, no session id).
   *
   * @param sessionId    the session, or null when only the token identifies it
   * @param token        the most recent resume token
   * @param lastEventSeq the highest {@code event_seq} the client has
   */
  public record ResumeRequest(String sessionId, String token, long lastEventSeq) {
  }

  public static Hello parse(Envelope envelope) {
    JsonObject payload = envelope.payload();
    JsonObject client = Fields.optObject(payload, "client");
    JsonObject auth = Fields.optObject(payload, "auth");
    JsonObject capabilities = Fields.optObject(payload, "capabilities");
    Set<String> features = new LinkedHashSet<>();
    boolean featuresSent = capabilities != null && capabilities.containsKey("features");
    if (capabilities != null) {
      features.addAll(Fields.stringList(capabilities, "features"));
    }
    ResumeRequest resume;
    if (envelope.type() == MessageType.SESSION_RESUME) {
      resume = resume(payload, Fields.optString(payload, "session_id"));
    } else {
      JsonObject nested = Fields.optObject(payload, "resume");
      if (nested != null) {
        resume = resume(nested, Fields.optString(nested, "session_id"));
      } else if (payload.getValue("resume_token") != null) {
        resume = resume(payload, null);
      } else {
        resume = null;
      }
    }
    return new Hello(envelope.id(), client == null ? new JsonObject() : client, auth, features, featuresSent,
        resume);
  }

  private static ResumeRequest resume(JsonObject source, String sessionId) {
    String token = Fields.string(source, "resume_token");
    long lastSeq = Fields.optLong(source, "last_event_seq", 0);
    if (lastSeq < 0) {
      throw ArcpException.invalid("last_event_seq must not be negative");
    }
    return new ResumeRequest(sessionId, token, lastSeq);
  }
}
