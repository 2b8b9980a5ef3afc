package dev.arcpgateway.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A fake ARCP runtime that welcomes every session (with {@code capabilities} as given) and then answers nothing
 * but resumes, which it refuses as expired. Tests wait for the frames it received by type.
 */
final class SilentRuntime implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, Promise<JsonObject>> received = new ConcurrentHashMap<>();

  private SilentRuntime(Vertx vertx, JsonObject welcomePayload) {
    server = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      String type = frame.getString("type");
      promise(type).tryComplete(frame);
      if ("session.hello".equals(type)) {
        ws.writeTextMessage(frame("session.welcome", welcomePayload).encode());
      } else if ("session.resume".equals(type)) {
        ws.writeTextMessage(frame("session.error", new JsonObject().put("code", "RESUME_WINDOW_EXPIRED")
            .put("message", "forgotten").put("retryable", false)).encode());
      }
    }));
  }

  /** Listens on a free loopback port; its welcome carries {@code welcomePayload}. */
  static SilentRuntime start(Vertx vertx, JsonObject welcomePayload) throws Exception {
    SilentRuntime runtime = new SilentRuntime(vertx, welcomePayload);
    runtime.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return runtime;
  }

  String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/arcp";
  }

  /** The first frame of {@code type} a client sent. */
  Future<JsonObject> first(String type) {
    return promise(type).future();
  }

  boolean received(String type) {
    return promise(type).future().isComplete();
  }

  private Promise<JsonObject> promise(String type) {
    return received.computeIfAbsent(type, t -> Promise.promise());
  }

  private static JsonObject frame(String type, JsonObject payload) {
    return new JsonObject().put("arcp", "1.1").put("id", type + "-1").put("type", type)
        .put("session_id", "sess_silent").put("payload", payload);
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}
