package dev.herald.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;

/**
 * Makes the log's connections: to a standalone Redis, to the primary Sentinels name, or to a Cluster.
 * They reconnect on their own and time out after {@code timeout} (WAIT after its own timeout). While
 * disconnected, a standalone or Sentinel connection refuses commands at once (a publish is refused,
 * never queued); a Cluster one lets them wait for the reconnection, at most the timeout.
 */
final class Connector {
  private final RedisClient standalone;
  private final RedisClusterClient cluster;

  private Connector(RedisClient standalone, RedisClusterClient cluster) {
    this.standalone = standalone;
    this.cluster = cluster;
  }

  static Connector create(ClientResources resources, RedisLogSettings settings, Duration timeout) {
    SocketOptions socket = SocketOptions.builder().connectTimeout(settings.commandTimeout()).build();
    if (settings.cluster()) {
      RedisClusterClient client = RedisClusterClient.create(resources, ClusterUri.seeds(settings.uri()));
      client.setOptions(ClusterClientOptions.builder()
          .autoReconnect(true)
          // A Cluster client opens its connection to each node on first use: refusing commands while
          // disconnected would refuse that first command. They wait instead, at most the timeout.
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
          .timeoutOptions(ReplicaWait.timeouts(timeout, settings.commandTimeout()))
          .socketOptions(socket)
          // a failover moves the log's slot to another node: learn it from MOVED replies and failures
          .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
              .enablePeriodicRefresh(Duration.ofSeconds(30)).build())
          .build());
      return new Connector(null, client);
    }
    RedisURI uri = RedisURI.create(settings.uri());
    // Bounds the Sentinels' answer to "which is the primary?" at (re)connect, 60 s by default.
    uri.setTimeout(settings.commandTimeout());
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // Fail at once while disconnected: a publish must be refused, not queued until Redis returns.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(ReplicaWait.timeouts(timeout, settings.commandTimeout()))
        .socketOptions(socket)
        .build());
    return new Connector(client, null);
  }

  RedisLink connect() {
    return standalone != null ? RedisLink.of(standalone.connect()) : RedisLink.of(cluster.connect());
  }

  void shutdown() {
    if (standalone != null) {
      standalone.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } else {
      cluster.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
