package dev.herald.spring;

import dev.herald.hub.Hub;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.redis.RedisEventLog;
import dev.herald.redis.RedisLogSettings;
import dev.herald.redis.RedisSubscriptionRegistry;
import java.net.URI;
import java.util.function.Supplier;
import org.springframework.util.ClassUtils;

/**
 * The Redis store, in a class of its own so that an application without herald-redis never loads a
 * class that refers to it.
 */
final class RedisStore {
  private static final String LOG_CLASS = "dev.herald.redis.RedisEventLog";

  private RedisStore() {
  }

  static boolean available() {
    return ClassUtils.isPresent(LOG_CLASS, RedisStore.class.getClassLoader());
  }

  static Supplier<EventLog> opener(String uri, String keyPrefix, int minReplicas, Retention retention) {
    RedisLogSettings settings = settings(uri, keyPrefix, minReplicas, retention);
    return () -> RedisEventLog.open(settings, new IdGenerator());
  }

  /**
   * Presence in the same Redis: the subscription events' log beside the updates' and the registry of
   * every application node, so that each lists and announces the subscriptions of all.
   */
  static void sharePresence(Hub.Builder builder, String uri, String keyPrefix) {
    // Retention and replicas are the updates' settings; the subscription events' log has its own.
    RedisLogSettings settings = settings(uri, keyPrefix, 0, Retention.DEFAULT);
    builder.subscriptionEventLog(() -> RedisEventLog.open(settings.subscriptionEvents(), new IdGenerator()))
        .subscriptionRegistry(() -> RedisSubscriptionRegistry.open(settings));
  }

  private static RedisLogSettings settings(String uri, String keyPrefix, int minReplicas, Retention retention) {
    try {
      return new RedisLogSettings(URI.create(uri), keyPrefix != null ? keyPrefix : RedisLogSettings.DEFAULT_PREFIX,
          retention.maxEvents(), retention.maxAge(), RedisLogSettings.DEFAULT_COMMAND_TIMEOUT, minReplicas);
    } catch (IllegalArgumentException e) {
      throw EmbeddedStore.invalid("herald.embedded.store: " + e.getMessage());
    }
  }
}
