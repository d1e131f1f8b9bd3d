package dev.herald.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Connects to the Redis of a log's settings exactly as {@link RedisEventLog#open} would (through the
 * Sentinels to their primary, to a Cluster's nodes, with the URI's user, password and TLS), sends
 * {@code PING} and disconnects: what {@code herald config check} needs to report an unreachable Redis,
 * an unknown primary name or refused credentials before a hub fails to start on them. Writes nothing.
 */
public final class RedisProbe {
  private RedisProbe() {
  }

  /**
   * Why a hub could not open its log on this Redis, in the words {@link RedisEventLog#open} fails
   * with; empty when Redis accepted the connection and answered {@code PING}.
   */
  public static Optional<String> problem(RedisLogSettings settings) {
    ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(1).computationThreadPoolSize(1)
        .build();
    Connector client = Connector.create(resources, settings, settings.commandTimeout());
    try {
      RedisLink link = client.connect();
      try {
        link.sync().ping();
      } finally {
        link.close();
      }
      return Optional.empty();
    } catch (RedisException e) {
      return Optional.of(OpenError.message(settings, e));
    } finally {
      client.shutdown();
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
