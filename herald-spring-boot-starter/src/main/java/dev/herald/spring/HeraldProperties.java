package dev.herald.spring;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * The {@code herald.*} settings: {@code herald.hub.*} for the {@code HubPublisher} bean, and
 * {@code herald.embedded.*} for a hub inside the application. Unset values take the defaults of
 * {@code herald serve}.
 *
 * @param hub the hub the application publishes to
 * @param embedded a hub run inside the application
 */
@ConfigurationProperties("herald")
public record HeraldProperties(@DefaultValue @NestedConfigurationProperty Hub hub,
    @DefaultValue @NestedConfigurationProperty Embedded embedded) {

  /**
   * The hub the {@code HubPublisher} bean publishes to. Without a URL, the publisher goes to the
   * embedded hub when it runs, and there is no publisher otherwise.
   *
   * @param url the hub's URL, e.g. https://hub.example.com/.well-known/mercure
   * @param jwtSecret the hub's HS256 publisher secret (at least 32 bytes): the publisher mints its
   *     own short-lived tokens
   * @param publisherToken a publisher JWT sent as is, instead of a secret
   * @param maxAttempts attempts per publication, the first included (503, 429 and connection errors
   *     are retried with the same id)
   * @param maxInFlight publications pending at once; past that, publishing waits for a slot
   * @param requestTimeout how long one request may take
   */
  public record Hub(String url, String jwtSecret, String publisherToken, @DefaultValue("5") int maxAttempts,
      @DefaultValue("64") int maxInFlight, @DefaultValue("30s") Duration requestTimeout) {
  }

  /**
   * A hub started and stopped with the application context, on its own port. Each value is the
   * {@code herald serve} option of the same name (docs/hub.md); unset ones take its default.
   *
   * @param enabled whether to run the hub in the application (needs dev.herald:herald-hub)
   * @param listen HOST:PORT or :PORT (all interfaces); port 0 picks a free one
   * @param store memory, sqlite (in data-dir) or a redis://,
   *     redis-sentinel:// or redis-cluster:// URI (needs dev.herald:herald-redis)
   * @param dataDir where the sqlite store keeps events.db
   * @param durability os or fsync: when the sqlite store acknowledges a publish
   * @param retainEvents updates kept in the log (0: no bound)
   * @param retainBytes bytes of updates kept in the log (0: no bound)
   * @param retainAge how long updates are kept (0: no bound)
   * @param cacheSize the newest updates kept in memory in front of SQLite or Redis (0: none)
   * @param redisKeyPrefix the prefix of the Redis keys, to share one Redis between hubs
   * @param redisMinReplicas Redis replicas that must confirm each append before it is acknowledged
   * @param jwtSecret HS256 secret (at least 32 bytes) for publisher and subscriber tokens
   * @param publisherJwtSecret HS256 secret for publisher tokens (overrides jwt-secret)
   * @param subscriberJwtSecret HS256 secret for subscriber tokens (overrides jwt-secret)
   * @param jwtKey RSA or EC public key (PEM text, or a file's path) for both roles
   * @param publisherJwtKey public key for publisher tokens
   * @param subscriberJwtKey public key for subscriber tokens
   * @param jwtJwksUrl JWKS URL whose keys verify both roles' tokens
   * @param publisherJwtJwksUrl JWKS URL for publisher tokens (overrides the general key or secret)
   * @param subscriberJwtJwksUrl JWKS URL for subscriber tokens (overrides the general key or secret)
   * @param anonymous whether subscribers without a token receive public updates
   * @param corsOrigins origins of pages allowed to subscribe from a browser (credentials included)
   * @param publishOrigins origins of pages allowed to publish from a browser
   * @param heartbeat interval of the comment that keeps idle streams open (0: none)
   * @param maxUpdateSize largest update a publisher may send
   * @param maxPublishBytesInFlight bytes of publish requests the hub holds at once
   * @param writeBufferLimit bytes held for one slow subscriber before it is disconnected
   * @param replayBudget bytes of history in flight to reconnecting subscribers at once
   * @param replayPageSize bytes of history read per page
   * @param replayStallTimeout how long a replay may wait on a subscriber that does not read
   * @param maxConnections open connections at most
   * @param maxConnectionsPerIp open connections per client address at most
   * @param requestTimeout how long a client may take to send a request
   * @param idleTimeout how long an idle connection stays open
   * @param jwtClockSkew tolerance on the tokens' exp and nbf
   * @param maxTopics topic selectors per subscription at most
   * @param maxSelectorLength characters per topic selector at most
   * @param maxTemplateVariables variables per URI template at most
   * @param matchBudget steps one subscription's matching may take per update
   * @param tlsCert PEM certificate chain (with tls-key: HTTPS and HTTP/2)
   * @param tlsKey PEM private key
   * @param maxStreamsPerConnection concurrent HTTP/2 streams per connection
   * @param maxHeaderSize bytes of request headers at most
   * @param maxRequestLine bytes of the request line at most
   * @param flushInterval a fixed write coalescing interval (0: flush every loop tick); unset: adaptive, as
   *     herald serve's default {@code --flush-interval auto}
   * @param publishRate publishes per second per publisher (0: no limit)
   * @param publishBurst publishes a publisher may send at once above the rate
   * @param ui whether the hub serves its dashboard
   * @param subscriptions whether the hub tracks active subscriptions (Mercure's presence: subscription
   *     events and GET /.well-known/mercure/subscriptions); with a Redis store, those of every instance on
   *     that Redis
   * @param sources databases and brokers the hub consumes, as source URIs (postgresql://, kafka://,
   *     nats://, amqp://, mqtt://; add the connector module, e.g. herald-source-postgresql)
   */
  public record Embedded(boolean enabled, @DefaultValue(":8090") String listen, @DefaultValue("memory") String store,
      @DefaultValue("herald-data") String dataDir, @DefaultValue("os") String durability, Long retainEvents,
      DataSize retainBytes, Duration retainAge, DataSize cacheSize, String redisKeyPrefix, Integer redisMinReplicas, String jwtSecret,
      String publisherJwtSecret, String subscriberJwtSecret, String jwtKey, String publisherJwtKey,
      String subscriberJwtKey, String jwtJwksUrl, String publisherJwtJwksUrl, String subscriberJwtJwksUrl,
      boolean anonymous, List<String> corsOrigins,
      List<String> publishOrigins, Duration heartbeat, DataSize maxUpdateSize, DataSize maxPublishBytesInFlight,
      DataSize writeBufferLimit, DataSize replayBudget, DataSize replayPageSize, Duration replayStallTimeout,
      Integer maxConnections, Integer maxConnectionsPerIp, Duration requestTimeout, Duration idleTimeout,
      Duration jwtClockSkew, Integer maxTopics, Integer maxSelectorLength, Integer maxTemplateVariables,
      Long matchBudget, String tlsCert, String tlsKey, Integer maxStreamsPerConnection, DataSize maxHeaderSize,
      DataSize maxRequestLine, Duration flushInterval, Double publishRate, Integer publishBurst,
      @DefaultValue("true") boolean ui, boolean subscriptions, List<String> sources) {

    /** The secret publishers' tokens are signed with, if the hub verifies them by a secret. */
    String publisherSecret() {
      if (publisherJwtJwksUrl != null || publisherJwtKey != null) { // the most specific wins, as with herald serve
        return null;
      }
      if (publisherJwtSecret != null) {
        return publisherJwtSecret;
      }
      return jwtJwksUrl != null || jwtKey != null ? null : jwtSecret;
    }
  }
}
