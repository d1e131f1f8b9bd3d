package dev.herald.source.rabbitmq;

import dev.herald.source.SourceMapping;
import dev.herald.source.SourceUri;
import java.util.Set;

/**
 * What a RabbitMQ source URI says: {@code amqp[s]://[user[:password]@]host[:port][/vhost]?queue=q&topic=...}.
 * <ul>
 *   <li>user and password default to the client's ({@code guest}/{@code guest}); the port to 5672
 *       (5671 for {@code amqps}); the vhost (the path, percent-decoded, so {@code /} is {@code %2F})
 *       to {@code /};</li>
 *   <li>{@code queue} (required): the queue consumed;</li>
 *   <li>{@code declare} ({@code true} by default): a missing queue is declared durable
 *       (not exclusive, not auto-delete, no arguments); {@code false}: a missing queue is an error.
 *       An existing queue is never redeclared, so its type and arguments are its own;</li>
 *   <li>{@code type_property} ({@code false} by default): {@code true} takes the event type from the
 *       message's AMQP {@code type} property (instead of {@code type} or {@code type_header});</li>
 *   <li>the mapping parameters of {@link SourceMapping}, with the variables {@code {routing_key}},
 *       {@code {exchange}} and {@code {queue}}; {@code type_header} and {@code private_header} name
 *       entries of the message's headers table.</li>
 * </ul>
 */
record RabbitMqSettings(String name, boolean tls, String host, int port, String user, String password,
    String vhost, String queue, boolean declare, boolean typeProperty, SourceMapping mapping) {
  /** The topic templates' variables. */
  static final Set<String> VARIABLES = Set.of("routing_key", "exchange", "queue");

  static RabbitMqSettings from(SourceUri uri) {
    boolean tls = uri.scheme().equals("amqps");
    if (uri.host() == null || uri.host().isEmpty()) {
      throw new IllegalArgumentException("a RabbitMQ source URI names its host: amqp://user:password@host:5672/vhost"
          + "?queue=...; not " + uri.redacted());
    }
    String queue = uri.optional("queue");
    if (queue == null || queue.isEmpty()) {
      throw new IllegalArgumentException("parameter 'queue' (the queue to consume) is required in " + uri.redacted());
    }
    if (queue.length() > 255) {
      throw new IllegalArgumentException("parameter 'queue' is longer than AMQP's 255 characters in " + uri.redacted());
    }
    boolean declare = uri.bool("declare", true);
    boolean typeProperty = uri.bool("type_property", false);
    if (typeProperty && (uri.optional("type") != null || uri.optional("type_header") != null)) {
      throw new IllegalArgumentException("give one of 'type', 'type_header' and 'type_property', not several, in "
          + uri.redacted());
    }
    SourceMapping mapping = SourceMapping.from(uri, VARIABLES);
    uri.requireAllUsed();
    String vhost = uri.path().isEmpty() ? "/" : uri.path();
    return new RabbitMqSettings(uri.redacted(), tls, uri.host(), uri.port(tls ? 5671 : 5672), uri.user(),
        uri.password(), vhost, queue, declare, typeProperty, mapping);
  }

  @Override
  public String toString() {
    return name; // never the password
  }
}
