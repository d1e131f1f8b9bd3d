package dev.herald.source.mqtt;

import dev.herald.source.SourceMapping;
import dev.herald.source.SourceUri;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.eclipse.paho.client.mqttv3.MqttTopic;

/**
 * What an MQTT source URI says:
 * {@code mqtt[s]://[user[:password]@]host[:port]?filter=sensors/%23&topic=...}.
 * <ul>
 *   <li>the port defaults to 1883 (8883 for {@code mqtts}, TLS with the JVM's trust store);</li>
 *   <li>{@code filter} (required, repeatable): the topic filters subscribed to, with {@code +} and
 *       {@code #} written {@code %2B} and {@code %23};</li>
 *   <li>{@code qos}: 1 (default: at least once, acknowledged after the log stored the message) or 0
 *       (at most once: what the broker sent while the hub was down or not yet stored is lost);</li>
 *   <li>{@code client_id}: the session's client id, which must stay the same across restarts (the
 *       broker keeps the session, its subscriptions and unacknowledged messages under it); default
 *       {@code herald-} and 16 hex digits of a hash of the filters, 23 characters as MQTT 3.1.1
 *       asks brokers to accept;</li>
 *   <li>{@code retained} ({@code false} by default): {@code true} publishes retained messages too,
 *       which the broker sends again on every (re)subscription; by default they are acknowledged
 *       and skipped;</li>
 *   <li>{@code keep_alive} (default 30s): the MQTT keep-alive interval;</li>
 *   <li>the mapping parameters of {@link SourceMapping} but {@code type_header} and
 *       {@code private_header} (MQTT 3.1.1 messages have no headers), with the variable
 *       {@code {mqtt_topic}} (write {@code {+mqtt_topic}} to keep its slashes).</li>
 * </ul>
 */
record MqttSettings(String name, String serverUri, String user, String password, List<String> filters, int qos,
    String clientId, boolean retained, int keepAliveSeconds, SourceMapping mapping) {
  static final Set<String> VARIABLES = Set.of("mqtt_topic");

  static MqttSettings from(SourceUri uri) {
    boolean tls = uri.scheme().equals("mqtts");
    if (uri.host() == null || uri.host().isEmpty()) {
      throw new IllegalArgumentException("an MQTT source URI names its host: mqtt://host:1883?filter=...; not "
          + uri.redacted());
    }
    if (!uri.path().isEmpty()) {
      throw new IllegalArgumentException("an MQTT source URI has no path (the topic filters are filter=...): "
          + uri.redacted());
    }
    List<String> filters = uri.values("filter");
    if (filters.isEmpty()) {
      throw new IllegalArgumentException("parameter 'filter' (the topic filter subscribed to, e.g. filter=sensors/%23;"
          + " '#' is written %23 and '+' %2B) is required in " + uri.redacted());
    }
    for (String filter : filters) {
      try {
        MqttTopic.validate(filter, true);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("parameter 'filter' is not an MQTT topic filter: '" + filter + "' ("
            + e.getMessage() + "; '#' only as the last level, '+' only as a whole level)");
      }
    }
    int qos = uri.integer("qos", 1, 0, 2);
    if (qos == 2) {
      throw new IllegalArgumentException("qos=2 is not supported: the broker considers a QoS 2 message delivered"
          + " before the hub stored it; qos=1 (the default) with the hub's acknowledgement after storing is at least"
          + " once");
    }
    String clientId = uri.optional("client_id");
    if (clientId != null && (clientId.isEmpty() || clientId.getBytes(StandardCharsets.UTF_8).length > 65_535)) {
      throw new IllegalArgumentException("parameter 'client_id' must not be empty (nor longer than 65535 bytes)");
    }
    if (clientId == null) {
      clientId = defaultClientId(filters);
    }
    boolean retained = uri.bool("retained", false);
    long keepAlive = uri.duration("keep_alive", java.time.Duration.ofSeconds(30)).toSeconds();
    if (keepAlive < 1 || keepAlive > 65_535) {
      throw new IllegalArgumentException("parameter 'keep_alive' must be from 1s to 65535s");
    }
    for (String headerParameter : List.of("type_header", "private_header")) {
      if (uri.optional(headerParameter) != null) {
        throw new IllegalArgumentException("parameter '" + headerParameter + "' does not apply: MQTT 3.1.1 messages"
            + " have no headers (give a fixed 'type' or 'private', or a topic per kind)");
      }
    }
    SourceMapping mapping = SourceMapping.from(uri, VARIABLES);
    uri.requireAllUsed();
    String server = (tls ? "ssl://" : "tcp://") + hostForUri(uri.host()) + ":" + uri.port(tls ? 8883 : 1883);
    return new MqttSettings(uri.redacted(), server, uri.user(), uri.password(), List.copyOf(filters), qos, clientId,
        retained, (int) keepAlive, mapping);
  }

  private static String hostForUri(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** {@code herald-} and 16 hex digits of SHA-256 over the filters: the same filters, the same session. */
  static String defaultClientId(List<String> filters) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(String.join("\n", filters).getBytes(StandardCharsets.UTF_8));
      return "herald-" + HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name; // never the password
  }
}
