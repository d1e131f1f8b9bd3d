package dev.herald.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * One connection to Redis, to a standalone server (or the primary Sentinels name) or to a Cluster,
 * seen through the commands both offer. The log's keys share one hash tag, so on a Cluster every
 * command the log sends goes to the one node that holds their slot.
 */
interface RedisLink {
  RedisClusterCommands<String, String> sync();

  RedisClusterAsyncCommands<String, String> async();

  void close();

  static RedisLink of(StatefulRedisConnection<String, String> connection) {
    return new RedisLink() {
      @Override
      public RedisClusterCommands<String, String> sync() {
        return connection.sync();
      }

      @Override
      public RedisClusterAsyncCommands<String, String> async() {
        return connection.async();
      }

      @Override
      public void close() {
        connection.close();
      }
    };
  }

  static RedisLink of(StatefulRedisClusterConnection<String, String> connection) {
    return new RedisLink() {
      @Override
      public RedisClusterCommands<String, String> sync() {
        return connection.sync();
      }

      @Override
      public RedisClusterAsyncCommands<String, String> async() {
        return connection.async();
      }

      @Override
      public void close() {
        connection.close();
      }
    };
  }
}
