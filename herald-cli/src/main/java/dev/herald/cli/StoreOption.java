package dev.herald.cli;

import dev.herald.hub.Hub;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.hub.log.RecentCache;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.redis.RedisEventLog;
import dev.herald.redis.RedisLogSettings;
import dev.herald.redis.RedisSubscriptionRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The event log of {@code herald serve} ({@code --store} and the options that go with it), in two
 * steps: {@link #check} validates the values before the hub binds (bad usage, exit 2), {@link #open}
 * runs once the port is bound, so that a hub that cannot listen creates no {@code events.db}; what
 * it throws is a runtime error (exit 1) that says why: another hub holds the data directory,
 * permission denied, Redis unreachable.
 */
final class StoreOption {
  static final Duration MIN_SUBSCRIPTIONS_EXPIRY = Duration.ofSeconds(1);
  private final String store;
  private final Path dataDir;
  private final SqliteEventLog.Durability durability;
  private final Retention retention;
  private final RedisLogSettings redis;
  private final long cacheBytes;

  private StoreOption(String store, Path dataDir, SqliteEventLog.Durability durability, Retention retention,
      RedisLogSettings redis, long cacheBytes) {
    this.store = store;
    this.dataDir = dataDir;
    this.durability = durability;
    this.retention = retention;
    this.redis = redis;
    this.cacheBytes = cacheBytes;
  }

  /** {@link #check(String, Path, String, long, long, Duration, String, long)} with the default cache. */
  static StoreOption check(String store, Path dataDir, String durability, long retainEvents, long retainBytes,
      Duration retainAge, String redisKeyPrefix) {
    return check(store, dataDir, durability, retainEvents, retainBytes, retainAge, redisKeyPrefix,
        RecentCache.DEFAULT_MAX_BYTES);
  }

  /**
   * The store these option values describe; {@code cacheBytes}: the recent cache in front of SQLite
   * and Redis (0: none).
   *
   * @throws IllegalArgumentException naming the option whose value is wrong
   */
  static StoreOption check(String store, Path dataDir, String durability, long retainEvents, long retainBytes,
      Duration retainAge, String redisKeyPrefix, long cacheBytes) {
    if (retainEvents < 0 || retainBytes < 0 || retainAge.isNegative()) {
      throw new IllegalArgumentException("--retain-events, --retain-bytes and --retain-age must not be negative");
    }
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("--cache-size must not be negative (0: no cache)");
    }
    Retention retention = new Retention(retainEvents, retainBytes, retainAge);
    switch (store) {
      case "memory" -> {
        return new StoreOption(store, dataDir, null, retention, null, cacheBytes);
      }
      case "sqlite" -> {
        SqliteEventLog.Durability mode = switch (durability) {
          case "os" -> SqliteEventLog.Durability.OS;
          case "fsync" -> SqliteEventLog.Durability.FSYNC;
          default -> throw new IllegalArgumentException("--durability must be os or fsync (got '" + durability + "')");
        };
        return new StoreOption(store, dataDir, mode, retention, null, cacheBytes);
      }
      default -> {
        if (!store.startsWith("redis://") && !store.startsWith("rediss://") && !store.startsWith("redis-sentinel://")
            && !store.startsWith("redis-cluster://") && !store.startsWith("rediss-cluster://")) {
          throw new IllegalArgumentException("--store must be sqlite, memory or a redis:// (rediss://,"
              + " redis-sentinel://, redis-cluster://) URI (got '" + store + "')");
        }
        try {
          return new StoreOption(store, dataDir, null, retention, new RedisLogSettings(URI.create(store),
              redisKeyPrefix, retainEvents, retainAge, RedisLogSettings.DEFAULT_COMMAND_TIMEOUT), cacheBytes);
        } catch (IllegalArgumentException e) { // URI.create's "Illegal character in authority at index 9" too
          throw new IllegalArgumentException("--store: " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * This store with {@code --redis-min-replicas}: replicas that must confirm each append.
   *
   * @throws IllegalArgumentException if negative, or above 0 for a store that is not Redis
   */
  StoreOption withRedisMinReplicas(int replicas) {
    if (replicas < 0) {
      throw new IllegalArgumentException("--redis-min-replicas must not be negative (got " + replicas + ")");
    }
    if (redis == null) {
      if (replicas > 0) {
        throw new IllegalArgumentException("--redis-min-replicas applies to a Redis store (--store redis://...)");
      }
      return this;
    }
    return new StoreOption(store, dataDir, durability, retention, redis.withMinReplicas(replicas), cacheBytes);
  }

  /**
   * Opens the log.
   *
   * @throws IllegalStateException saying why it cannot be used
   */
  EventLog open() {
    if (redis != null) {
      return cached(RedisEventLog.open(redis, new IdGenerator()));
    }
    if (durability == null) { // memory: the retention bounds by count and bytes are its capacity
      long capacity = retention.maxEvents() == 0 ? Integer.MAX_VALUE : retention.maxEvents();
      return new MemoryEventLog((int) Math.min(capacity, Integer.MAX_VALUE),
          retention.maxBytes() == 0 ? Long.MAX_VALUE : retention.maxBytes(), new IdGenerator());
    }
    return cached(SqliteEventLog.open(dataDir.resolve("events.db"), durability, retention, new IdGenerator()));
  }

  /**
   * With {@code --subscriptions}: on a Redis store, presence goes to Redis too (the subscription
   * events' log beside the updates' and the registry of every node, {@code expiry} after a node's last
   * renewal), so that every node lists and announces every node's subscriptions. Memory and SQLite keep
   * the hub's defaults: one node, in memory.
   */
  void sharePresence(Hub.Builder builder, Duration expiry) {
    // Shorter would renew faster than Redis round trips on a busy machine can be relied on.
    if (expiry.compareTo(MIN_SUBSCRIPTIONS_EXPIRY) < 0) {
      throw new IllegalArgumentException("--subscriptions-expiry must be at least 1s (got " + Durations.format(expiry)
          + ")");
    }
    if (redis == null) {
      return;
    }
    builder.subscriptionEventLog(() -> RedisEventLog.open(redis.subscriptionEvents(), new IdGenerator()))
        .subscriptionRegistry(() -> RedisSubscriptionRegistry.open(redis, expiry));
  }

  /** {@code store} behind the recent cache, if any; a store whose cache cannot start is closed again. */
  private EventLog cached(EventLog store) {
    if (cacheBytes == 0) {
      return store;
    }
    try {
      return new RecentCache(store, cacheBytes);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** For the start line: which store, where. */
  String describe() {
    if (redis != null) {
      return redis.safeUri() + " prefix=" + redis.keyPrefix()
          + (redis.minReplicas() > 0 ? " min_replicas=" + redis.minReplicas() : "");
    }
    return durability != null
        ? "sqlite:" + dataDir.resolve("events.db").toAbsolutePath() + " durability=" + durability.name().toLowerCase(
            java.util.Locale.ROOT)
        : "memory";
  }
}
