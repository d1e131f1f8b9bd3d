package dev.herald.source.kafka;

import dev.herald.source.SourceMapping;
import dev.herald.source.SourceUri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a {@code kafka://} URI asks for, checked: bootstrap servers, topics, group, where a new group
 * starts, and the mapping of records to updates.
 *
 * @param name the URI to show (no secrets: a Kafka URI has none, user info is refused)
 * @param bootstrap {@code host:port,host:port}
 * @param topics the Kafka topics to consume
 * @param group the consumer group id
 * @param start {@code earliest} or {@code latest}
 * @param clientId the client id the broker sees
 * @param connectTimeout how long connecting waits for the broker's topic list
 * @param mapping records to updates
 */
record KafkaSettings(String name, String bootstrap, List<String> topics, String group, String start, String clientId,
    Duration connectTimeout, SourceMapping mapping) {
  static final String DEFAULT_GROUP = "herald";
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(15);
  static final int DEFAULT_PORT = 9092;
  /** The variables of a Kafka source's topic templates. */
  static final Set<String> VARIABLES = Set.of("kafka_topic", "partition", "key");

  // Kafka's own rule for topic names: ASCII letters, digits, '.', '_' and '-', at most 249.
  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[a-zA-Z0-9._-]+)(:[0-9]{1,5})?");

  static KafkaSettings from(SourceUri uri) {
    String name = uri.redacted();
    String bootstrap = bootstrap(name);
    String topicsParameter = uri.optional("topics");
    if (topicsParameter == null || topicsParameter.isBlank()) {
      throw new IllegalArgumentException("parameter 'topics' (the Kafka topics to consume, comma-separated, e.g."
          + " topics=orders,payments) is required in " + name);
    }
    Set<String> topics = new LinkedHashSet<>();
    for (String topic : topicsParameter.split(",", -1)) {
      if (!TOPIC_NAME.matcher(topic).matches()) {
        throw new IllegalArgumentException("'" + topic + "' in parameter 'topics' is not a Kafka topic name (letters,"
            + " digits, '.', '_' and '-', at most 249; several are comma-separated) in " + name);
      }
      topics.add(topic);
    }
    String group = uri.optional("group", DEFAULT_GROUP);
    if (group.isBlank()) {
      throw new IllegalArgumentException("parameter 'group' (the consumer group) must not be empty in " + name);
    }
    String start = uri.optional("start", "earliest");
    if (!start.equals("earliest") && !start.equals("latest")) {
      throw new IllegalArgumentException("parameter 'start' (where a group without committed offsets begins) must be"
          + " earliest or latest, not '" + start + "'");
    }
    String clientId = uri.optional("client_id", "herald-" + group);
    Duration connectTimeout = uri.duration("connect_timeout", DEFAULT_CONNECT_TIMEOUT);
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("parameter 'connect_timeout' must be longer than 0, not " + connectTimeout);
    }
    SourceMapping mapping = SourceMapping.from(uri, VARIABLES);
    uri.requireAllUsed();
    return new KafkaSettings(name, bootstrap, List.copyOf(topics), group, start, clientId, connectTimeout, mapping);
  }

  /** The bootstrap servers from the URI's authority, {@code host[:port][,host[:port]]...}. */
  private static String bootstrap(String uri) {
    int from = uri.indexOf("://") + 3;
    int to = from;
    while (to < uri.length() && uri.charAt(to) != '/' && uri.charAt(to) != '?') {
      to++;
    }
    String authority = uri.substring(from, to);
    if (authority.indexOf('@') >= 0) {
      throw new IllegalArgumentException("a kafka:// source takes no user or password (SASL and TLS are not supported"
          + " yet): " + uri);
    }
    if (to < uri.length() && uri.charAt(to) == '/' && to + 1 < uri.length() && uri.charAt(to + 1) != '?') {
      throw new IllegalArgumentException("a kafka:// source URI has no path (topics go in topics=...): " + uri);
    }
    List<String> servers = new ArrayList<>();
    for (String server : authority.split(",", -1)) {
      java.util.regex.Matcher matcher = HOST_PORT.matcher(server);
      int port = matcher.matches() && matcher.group(2) != null ? Integer.parseInt(matcher.group(2).substring(1)) : 1;
      if (!matcher.matches() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("'" + server + "' is not a host[:port] in the bootstrap servers of " + uri);
      }
      servers.add(matcher.group(2) == null ? server + ":" + DEFAULT_PORT : server);
    }
    return String.join(",", servers);
  }
}
