package dev.arcpgateway.store;

import io.vertx.core.json.JsonObject;

/**
 * The {@code store} section of the settings: {@code {"type": "memory"|"pg", "uri": "postgresql://USER:PASSWORD@
 * HOST:PORT/DB", "pool_size": N, "retention_sec": S}}.
 *
 * @param type         {@code memory} (the default: nothing to install, nothing survives a restart) or {@code pg}
 * @param uri          the PostgreSQL URI ({@code pg} only)
 * @param poolSize     connections to PostgreSQL
 * @param retentionSec how long ended jobs and their events are kept
 */
public record StoreSettings(String type, String uri, int poolSize, long retentionSec) {

  public static final String MEMORY = "memory";
  public static final String PG = "pg";
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final long DEFAULT_RETENTION_SEC = 7L * 24 * 3600;

  /** Reads and checks the section; a setting that cannot work is an {@link IllegalArgumentException} naming it. */
  public static StoreSettings fromJson(JsonObject json) {
    String type = json.getString("type", MEMORY);
    if (!MEMORY.equals(type) && !PG.equals(type)) {
      throw new IllegalArgumentException("store.type must be \"memory\" or \"pg\", not \"" + type + "\"");
    }
    String uri = json.getString("uri"); // may come later (serve's ARCP_PG_URI); PgStore.open refuses none
    int poolSize = json.getInteger("pool_size", DEFAULT_POOL_SIZE);
    if (poolSize < 1) {
      throw new IllegalArgumentException("store.pool_size must be at least 1");
    }
    long retentionSec = json.getLong("retention_sec", DEFAULT_RETENTION_SEC);
    if (retentionSec < 1) {
      throw new IllegalArgumentException("store.retention_sec must be at least 1");
    }
    return new StoreSettings(type, uri, poolSize, retentionSec);
  }

  public boolean pg() {
    return PG.equals(type);
  }
}
