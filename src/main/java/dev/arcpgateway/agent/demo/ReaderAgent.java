package dev.arcpgateway.agent.demo;

import dev.arcpgateway.agent.Agent;
import dev.arcpgateway.agent.JobContext;
import dev.arcpgateway.protocol.ArcpException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code reader}: input {@code {"paths": [...]}} → asks the lease for {@code fs.read} on each path (it reads
 * nothing) and answers {@code {"allowed": [...], "denied": [{"path", "code"}]}}.
 */
public final class ReaderAgent implements Agent {

  @Override
  public Future<?> run(JobContext job) {
    JsonArray paths = job.inputObject().getJsonArray("paths", new JsonArray());
    List<Future<JsonObject>> checks = new ArrayList<>();
    for (Object path : paths) {
      String p = String.valueOf(path);
      checks.add(job.authorize("fs.read", p)
          .map(v -> new JsonObject().put("path", p).put("allowed", true))
          .recover(e -> Future.succeededFuture(new JsonObject().put("path", p).put("allowed", false)
              .put("code", ArcpException.from(e).code().name()))));
    }
    return Future.all(checks).map(all -> {
      JsonArray allowed = new JsonArray();
      JsonArray denied = new JsonArray();
      for (Future<JsonObject> check : checks) {
        JsonObject outcome = check.result();
        if (outcome.getBoolean("allowed")) {
          allowed.add(outcome.getString("path"));
        } else {
          denied.add(new JsonObject().put("path", outcome.getString("path")).put("code", outcome.getString("code")));
        }
      }
      return new JsonObject().put("allowed", allowed).put("denied", denied);
    });
  }
}
