package dev.herald.source.nats;

import dev.herald.source.Source;
import dev.herald.source.SourceFactory;
import dev.herald.source.SourceUri;
import java.util.Set;

/**
 * Makes {@code nats://[user:password@]host[:port]?stream=NAME&subjects=a.>,b.*&topic=TEMPLATE} sources:
 * a JetStream stream (created with {@code subjects} when missing, else consumed as it is) read through
 * the durable pull consumer {@code durable} (default {@code herald}) with explicit acks after the log
 * stored each batch. Other parameters: {@code ack_wait} (default 30s), {@code deliver} ({@code all},
 * the default, or {@code new}: where a durable created now starts), {@code token}, and the mapping's
 * ({@code topic}, {@code type}, {@code type_header}, {@code private}, {@code private_header},
 * {@code encoding}). Topic variables: {@code {subject}} and {@code {stream}}. Update ids:
 * {@code nats-<stream>-<stream sequence>}.
 */
public final class NatsSourceFactory implements SourceFactory {
  @Override
  public Set<String> schemes() {
    return Set.of("nats");
  }

  @Override
  public Source create(SourceUri uri) {
    return new NatsSource(NatsSettings.parse(uri));
  }
}
