package dev.herald.cli;

import static java.util.Map.entry;

import dev.herald.hub.Hub;
import dev.herald.hub.log.RecentCache;
import dev.herald.log.Retention;
import dev.herald.redis.RedisLogSettings;
import dev.herald.redis.RedisSubscriptionRegistry;
import dev.herald.server.HttpServer;
import java.util.Map;
import picocli.CommandLine;

/**
 * The defaults of {@code herald serve}'s options that the libraries define ({@link Hub},
 * {@link HttpServer}, {@link Retention}, {@link RedisLogSettings}, {@link RedisSubscriptionRegistry}), written as a user types them
 * ({@code 1MiB}, {@code 20s}). They are read from the constants, never copied, so that changing a
 * constant changes {@code serve --help} and the hub's behaviour together. {@link Settings} falls back
 * to them after the environment and the config file; the options that read them declare no default
 * of their own.
 */
final class ServeDefaults implements CommandLine.IDefaultValueProvider {
  /** Long option name → default value. */
  static final Map<String, String> VALUES = Map.ofEntries(
      entry("--jwt-clock-skew", Durations.format(Hub.DEFAULT_CLOCK_SKEW)),
      entry("--heartbeat", Durations.format(HttpServer.DEFAULT_HEARTBEAT)),
      entry("--redis-key-prefix", RedisLogSettings.DEFAULT_PREFIX),
      entry("--redis-min-replicas", Integer.toString(RedisLogSettings.DEFAULT_MIN_REPLICAS)),
      entry("--subscriptions-expiry", Durations.format(RedisSubscriptionRegistry.DEFAULT_EXPIRY)),
      entry("--retain-events", Long.toString(Retention.DEFAULT.maxEvents())),
      entry("--retain-bytes", ByteSize.format(Retention.DEFAULT.maxBytes())),
      entry("--retain-age", Durations.format(Retention.DEFAULT.maxAge())),
      entry("--cache-size", ByteSize.format(RecentCache.DEFAULT_MAX_BYTES)),
      entry("--max-update-size", ByteSize.format(HttpServer.DEFAULT_MAX_BODY_SIZE)),
      entry("--max-stream-events", Long.toString(Hub.DEFAULT_MAX_STREAM_EVENTS)),
      entry("--max-publish-bytes-in-flight", ByteSize.format(Hub.DEFAULT_MAX_PUBLISH_BYTES_IN_FLIGHT)),
      entry("--max-topics", Integer.toString(Hub.DEFAULT_MAX_TOPICS)),
      entry("--max-selector-length", Integer.toString(Hub.DEFAULT_MAX_SELECTOR_LENGTH)),
      entry("--max-template-variables", Integer.toString(Hub.DEFAULT_MAX_TEMPLATE_VARIABLES)),
      entry("--match-budget", Long.toString(Hub.DEFAULT_MATCH_BUDGET)),
      entry("--max-connections", Integer.toString(HttpServer.DEFAULT_MAX_CONNECTIONS)),
      entry("--max-connections-per-ip", Integer.toString(HttpServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS)),
      entry("--request-timeout", Durations.format(HttpServer.DEFAULT_REQUEST_TIMEOUT)),
      entry("--idle-timeout", Durations.format(HttpServer.DEFAULT_IDLE_TIMEOUT)),
      entry("--write-buffer-limit", ByteSize.format(HttpServer.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK)),
      entry("--replay-budget", ByteSize.format(HttpServer.DEFAULT_REPLAY_BUDGET)),
      entry("--replay-page-size", ByteSize.format(HttpServer.DEFAULT_REPLAY_PAGE_SIZE)),
      entry("--replay-stall-timeout", Durations.format(HttpServer.DEFAULT_REPLAY_STALL_TIMEOUT)),
      entry("--max-streams-per-connection", Integer.toString(HttpServer.DEFAULT_MAX_CONCURRENT_STREAMS)),
      entry("--max-header-size", ByteSize.format(HttpServer.DEFAULT_MAX_HEADER_SIZE)),
      entry("--max-request-line", ByteSize.format(HttpServer.DEFAULT_MAX_REQUEST_LINE_LENGTH)));

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec argument) {
    return argument instanceof CommandLine.Model.OptionSpec option ? VALUES.get(option.longestName()) : null;
  }
}
