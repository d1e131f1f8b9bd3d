package dev.herald.source.rabbitmq;

import dev.herald.source.Source;
import dev.herald.source.SourceFactory;
import dev.herald.source.SourceUri;
import java.util.Set;

/**
 * Makes RabbitMQ sources from {@code amqp://user:pass@host:5672/vhost?queue=q&topic=...} (and
 * {@code amqps://} for TLS); the parameters are those of {@link RabbitMqSettings}.
 */
public final class RabbitMqSourceFactory implements SourceFactory {
  @Override
  public Set<String> schemes() {
    return Set.of("amqp", "amqps");
  }

  @Override
  public Source create(SourceUri uri) {
    return new RabbitMqSource(RabbitMqSettings.from(uri));
  }
}
