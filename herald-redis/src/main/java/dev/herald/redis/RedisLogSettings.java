package dev.herald.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how a {@link RedisEventLog} keeps the hub's history.
 *
 * @param uri            {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} (TLS), or
 *                       {@code redis-sentinel://[user:password@]host:port[,host:port...][/db]#masterName}:
 *                       the primary that those Sentinels name, followed through failovers; or
 *                       {@code redis-cluster://[user:password@]host:port[,host:port...]} (seed nodes of a
 *                       Redis Cluster; {@code rediss-cluster://} for TLS). {@code user:password} is an ACL
 *                       user, {@code :password} the default user's password; percent-encode {@code @},
 *                       {@code :} and {@code %} in them
 * @param keyPrefix      prefix of the log's keys; they are {@code {prefix}:stream}, {@code {prefix}:seq}
 *                       and {@code {prefix}:ids}, the braces making Redis Cluster place all three in one
 *                       slot, as the append script needs
 * @param maxEvents      updates kept (approximately, trimmed in whole stream nodes); 0 for no bound
 * @param maxAge         oldest update kept; {@link Duration#ZERO} for no bound
 * @param commandTimeout longest wait for Redis before a publish fails (and answers 503); also how long
 *                       an append waits for {@code minReplicas} replicas to confirm it
 * @param minReplicas    replicas that must confirm an append ({@code WAIT}) before it is acknowledged;
 *                       0 (the default): acknowledged once the primary stored it
 */
public record RedisLogSettings(URI uri, String keyPrefix, long maxEvents, Duration maxAge, Duration commandTimeout,
    int minReplicas) {
  /** The default key prefix. */
  public static final String DEFAULT_PREFIX = "herald";
  /** The default command timeout: publishes fail fast while Redis is away. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** The default number of replicas that must confirm an append: none. */
  public static final int DEFAULT_MIN_REPLICAS = 0;
  static final String SENTINEL_SCHEME = "redis-sentinel";
  /** Subscription events kept by {@link #subscriptionEvents()}: the newest 10,000. */
  public static final long SUBSCRIPTION_EVENTS = 10_000;
  /** Oldest subscription event kept by {@link #subscriptionEvents()}: one hour. */
  public static final Duration SUBSCRIPTION_EVENTS_AGE = Duration.ofHours(1);

  /** Validates the settings. */
  public RedisLogSettings {
    Objects.requireNonNull(uri, "uri");
    if (SENTINEL_SCHEME.equals(uri.getScheme())) {
      SentinelUri.check(uri);
    } else if (ClusterUri.is(uri)) {
      ClusterUri.check(uri);
    } else if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException("a Redis URI starts with redis://, rediss://, redis-sentinel:// or"
          + " redis-cluster:// (got '" + uri + "')");
    } else if (uri.getHost() == null) {
      throw new IllegalArgumentException("the Redis URI names no host: '" + uri + "'");
    }
    if (keyPrefix == null || keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
      throw new IllegalArgumentException("the key prefix must be non-empty and without braces: '" + keyPrefix + "'");
    }
    if (maxEvents < 0 || maxAge.isNegative()) {
      throw new IllegalArgumentException("retention bounds must not be negative");
    }
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("the command timeout must be positive: " + commandTimeout);
    }
    if (minReplicas < 0) {
      throw new IllegalArgumentException("the replicas that must confirm an append must not be negative: "
          + minReplicas);
    }
    if (minReplicas > 0 && ClusterUri.is(uri)) {
      throw new IllegalArgumentException("--redis-min-replicas works with redis:// and redis-sentinel:// only: on a"
          + " Cluster, WAIT would have to run on the node that holds the log's slot, which is not done yet");
    }
  }

  /** Settings that acknowledge an append once the primary stored it. */
  public RedisLogSettings(URI uri, String keyPrefix, long maxEvents, Duration maxAge, Duration commandTimeout) {
    this(uri, keyPrefix, maxEvents, maxAge, commandTimeout, DEFAULT_MIN_REPLICAS);
  }

  /** Settings with the default prefix and timeout. */
  public static RedisLogSettings of(URI uri, long maxEvents, Duration maxAge) {
    return new RedisLogSettings(uri, DEFAULT_PREFIX, maxEvents, maxAge, DEFAULT_COMMAND_TIMEOUT);
  }

  /** These settings with another key prefix. */
  public RedisLogSettings withKeyPrefix(String prefix) {
    return new RedisLogSettings(uri, prefix, maxEvents, maxAge, commandTimeout, minReplicas);
  }

  /** These settings with another number of replicas that must confirm each append. */
  public RedisLogSettings withMinReplicas(int replicas) {
    return new RedisLogSettings(uri, keyPrefix, maxEvents, maxAge, commandTimeout, replicas);
  }

  /**
   * The settings of the subscription events' log (presence) beside this log: the same Redis, prefix
   * {@code <prefix>-subscriptions} (its own hash tag, so a Cluster may place it on another node than the
   * updates), the newest {@value #SUBSCRIPTION_EVENTS} events of the last hour, acknowledged once the
   * primary stored them. A reconnect storm then fills that log, never the updates' retention, and a
   * lost presence event costs a watcher a stale entry, not an update.
   */
  public RedisLogSettings subscriptionEvents() {
    return new RedisLogSettings(uri, keyPrefix + "-subscriptions", SUBSCRIPTION_EVENTS, SUBSCRIPTION_EVENTS_AGE,
        commandTimeout, DEFAULT_MIN_REPLICAS);
  }

  /** Whether the URI names the seed nodes of a Redis Cluster. */
  boolean cluster() {
    return ClusterUri.is(uri);
  }

  /** Whether the URI names Sentinels rather than a Redis server. */
  boolean sentinel() {
    return SENTINEL_SCHEME.equals(uri.getScheme());
  }

  String streamKey() {
    return "{" + keyPrefix + "}:stream";
  }

  String sequenceKey() {
    return "{" + keyPrefix + "}:seq";
  }

  String idsKey() {
    return "{" + keyPrefix + "}:ids";
  }

  /**
   * A random value set with the log (by the first node or append that finds it missing): a different
   * one, or none, means Redis lost the log since a node last looked.
   */
  String epochKey() {
    return "{" + keyPrefix + "}:epoch";
  }

  /**
   * The URI for messages and logs: the user kept, the password masked
   * ({@code redis://herald:***@10.0.0.1:6379}).
   */
  public String safeUri() {
    if (sentinel()) {
      return SentinelUri.safe(uri);
    }
    if (cluster()) {
      return ClusterUri.safe(uri);
    }
    return uri.getScheme() + "://" + UserInfo.of(uri).masked() + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getPath() == null ? "" : uri.getPath());
  }
}
