package dev.herald.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.function.Supplier;

/**
 * One connection to Redis, to a standalone server (or the primary Sentinels name) or to a Cluster,
 * seen through the commands both offer. The log's keys share one hash tag, so on a Cluster every
 * command the log sends goes to the one node that holds their slot.
 */
record RedisLink(Supplier<RedisClusterCommands<String, String>> syncCommands,
    Supplier<RedisClusterAsyncCommands<String, String>> asyncCommands, Runnable closer) {

  static RedisLink of(StatefulRedisConnection<String, String> connection) {
    return new RedisLink(connection::sync, connection::async, connection::close);
  }

  static RedisLink of(StatefulRedisClusterConnection<String, String> connection) {
    return new RedisLink(connection::sync, connection::async, connection::close);
  }

  RedisClusterCommands<String, String> sync() {
    return syncCommands.get();
  }

  RedisClusterAsyncCommands<String, String> async() {
    return asyncCommands.get();
  }

  void close() {
    closer.run();
  }
}
