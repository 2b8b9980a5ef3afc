package dev.arcpgateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A durable credential ledger in an append-only file of JSON lines ({@code issued} / {@code revoked}), synced to
 * disk on every write and replayed at start. Small enough for one node's outstanding credentials; writes run on
 * a worker thread, never on an event loop.
 */
public final class FileCredentialLedger implements CredentialLedger {

  private final Vertx vertx;
  private final Path file;
  private final Map<String, Entry> outstanding = new LinkedHashMap<>();

  private FileCredentialLedger(Vertx vertx, Path file) {
    this.vertx = vertx;
    this.file = file;
  }

  /** Opens (or creates) the ledger and replays it; blocking, so call it before deploying. */
  public static FileCredentialLedger open(Vertx vertx, Path file) {
    FileCredentialLedger ledger = new FileCredentialLedger(vertx, file);
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          JsonObject record = new JsonObject(line);
          String id = record.getString("credential_id");
          if ("issued".equals(record.getString("op"))) {
            ledger.outstanding.put(id, new Entry(id, record.getString("job_id"),
                Instant.parse(record.getString("issued_at"))));
          } else {
            ledger.outstanding.remove(id);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the credential ledger " + file, e);
    }
    return ledger;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public Future<Void> issued(Entry entry) {
    return append(new JsonObject().put("op", "issued").put("credential_id", entry.credentialId())
        .put("job_id", entry.jobId()).put("issued_at", entry.issuedAt().toString()))
        .onSuccess(v -> {
          synchronized (outstanding) {
            outstanding.put(entry.credentialId(), entry);
          }
        });
  }

  @Override
  public Future<Void> revoked(String credentialId) {
    return append(new JsonObject().put("op", "revoked").put("credential_id", credentialId))
        .onSuccess(v -> {
          synchronized (outstanding) {
            outstanding.remove(credentialId);
          }
        });
  }

  @Override
  public Future<List<Entry>> outstanding() {
    synchronized (outstanding) {
      return Future.succeededFuture(new ArrayList<>(outstanding.values()));
    }
  }

  private Future<Void> append(JsonObject record) {
    byte[] line = (record.encode() + "\n").getBytes(StandardCharsets.UTF_8);
    return vertx.executeBlocking(() -> {
      synchronized (this) {
        Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
      }
      return null;
    }, true);
  }
}
