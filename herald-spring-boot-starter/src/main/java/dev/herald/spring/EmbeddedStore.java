package dev.herald.spring;

import dev.herald.hub.Hub;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.hub.log.RecentCache;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The event log {@code herald.embedded.store} names, checked when the context starts and opened by
 * the hub once its port is bound (as {@code herald serve} does).
 */
final class EmbeddedStore {
  private EmbeddedStore() {
  }

  /**
   * The recent cache in front of SQLite or Redis, for {@link dev.herald.hub.Hub.Builder#cacheSize}
   * (which leaves a memory store without one).
   *
   * @throws HeraldConfigurationException for a negative size
   */
  static long cacheBytes(HeraldProperties.Embedded properties) {
    long bytes = properties.cacheSize() != null ? properties.cacheSize().toBytes() : RecentCache.DEFAULT_MAX_BYTES;
    if (bytes < 0) {
      throw invalid("herald.embedded.cache-size must not be negative (0: no cache)");
    }
    return bytes;
  }

  /**
   * An opener of the log the properties describe.
   *
   * @throws HeraldConfigurationException for a value that cannot work, or a Redis URI without herald-redis
   */
  static Supplier<EventLog> opener(HeraldProperties.Embedded properties) {
    Retention retention = retention(properties);
    String store = properties.store().trim();
    switch (store) {
      case "memory" -> {
        int capacity = (int) Math.min(retention.maxEvents() == 0 ? Integer.MAX_VALUE : retention.maxEvents(),
            Integer.MAX_VALUE);
        long maxBytes = retention.maxBytes() == 0 ? Long.MAX_VALUE : retention.maxBytes();
        requireNoRedisReplicas(properties);
        return () -> new MemoryEventLog(capacity, maxBytes, new IdGenerator());
      }
      case "sqlite" -> {
        SqliteEventLog.Durability durability = switch (properties.durability().toLowerCase(Locale.ROOT)) {
          case "os" -> SqliteEventLog.Durability.OS;
          case "fsync" -> SqliteEventLog.Durability.FSYNC;
          default -> throw invalid("herald.embedded.durability must be os or fsync (got '"
              + properties.durability() + "')");
        };
        requireNoRedisReplicas(properties);
        Path file = Path.of(properties.dataDir()).resolve("events.db");
        return () -> SqliteEventLog.open(file, durability, retention, new IdGenerator());
      }
      default -> {
        if (!store.matches("(?i)rediss?(-sentinel|-cluster)?://.*")) {
          throw invalid("herald.embedded.store must be memory, sqlite or a redis://, rediss://, redis-sentinel://"
              + " or redis-cluster:// URI (got '" + store + "')");
        }
        if (!RedisStore.available()) {
          throw new HeraldConfigurationException("herald.embedded.store is a Redis URI, but dev.herald:herald-redis is not"
              + " on the classpath.", "Add the dependency dev.herald:herald-redis (the same version as"
              + " herald-spring-boot-starter).");
        }
        return RedisStore.opener(store, properties.redisKeyPrefix(),
            properties.redisMinReplicas() != null ? properties.redisMinReplicas() : 0, retention);
      }
    }
  }

  /**
   * With {@code herald.embedded.subscriptions} on a Redis store: presence in that Redis too, so that
   * every instance of the application lists and announces the subscriptions of all. Memory and SQLite
   * keep the hub's own (one instance, in memory). Call after {@link #opener}, which checked the store.
   */
  static void sharePresence(Hub.Builder builder, HeraldProperties.Embedded properties) {
    String store = properties.store().trim();
    if (properties.subscriptions() && !store.equals("memory") && !store.equals("sqlite")) {
      RedisStore.sharePresence(builder, store, properties.redisKeyPrefix());
    }
  }

  private static void requireNoRedisReplicas(HeraldProperties.Embedded properties) {
    if (properties.redisMinReplicas() != null && properties.redisMinReplicas() > 0) {
      throw invalid("herald.embedded.redis-min-replicas applies to a Redis store (herald.embedded.store=redis://...)");
    }
  }

  private static Retention retention(HeraldProperties.Embedded properties) {
    long events = properties.retainEvents() != null ? properties.retainEvents() : Retention.DEFAULT.maxEvents();
    long bytes = properties.retainBytes() != null ? properties.retainBytes().toBytes() : Retention.DEFAULT.maxBytes();
    Duration age = properties.retainAge() != null ? properties.retainAge() : Retention.DEFAULT.maxAge();
    try {
      return new Retention(events, bytes, age);
    } catch (IllegalArgumentException e) {
      throw invalid("herald.embedded.retain-*: " + e.getMessage());
    }
  }

  static HeraldConfigurationException invalid(String message) {
    return new HeraldConfigurationException(message + ".", "Correct the property in the application's configuration.");
  }
}
