package dev.herald.source.kafka;

import dev.herald.source.Source;
import dev.herald.source.SourceFactory;
import dev.herald.source.SourceUri;
import java.util.Set;

/**
 * Makes Kafka sources from {@code kafka://host:9092[,host2:9092]?topics=orders[,more]&group=herald&topic=...}:
 * each record of the topics becomes an update with the id {@code kafka-TOPIC-PARTITION-OFFSET}, and the
 * consumer group's offsets are committed only after the hub's log stored the batch. Parameters, besides
 * the shared mapping ones ({@code topic}, {@code type}, {@code type_header}, {@code private},
 * {@code private_header}, {@code encoding}): {@code topics} (required, comma-separated), {@code group}
 * (default {@value KafkaSettings#DEFAULT_GROUP}), {@code start} ({@code earliest}, the default, or
 * {@code latest}: where a group without committed offsets begins), {@code client_id} and
 * {@code connect_timeout} (default 15 s: how long connecting waits for the broker). Topic
 * template variables: {@code {kafka_topic}}, {@code {partition}}, {@code {key}} (the record key as
 * UTF-8; empty when the record has none).
 */
public final class KafkaSourceFactory implements SourceFactory {
  @Override
  public Set<String> schemes() {
    return Set.of("kafka");
  }

  @Override
  public Source create(SourceUri uri) {
    return new KafkaSource(KafkaSettings.from(uri));
  }
}
