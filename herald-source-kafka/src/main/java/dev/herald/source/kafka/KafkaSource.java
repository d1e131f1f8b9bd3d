package dev.herald.source.kafka;

import dev.herald.log.Update;
import dev.herald.source.RefusedMessage;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A Kafka consumer group member whose records become updates ({@code kafka-TOPIC-PARTITION-OFFSET})
 * and whose offsets are committed ({@code commitSync}, auto-commit off) only in {@link #acknowledge},
 * after the log stored the batch. {@link #connect} makes a new consumer, which starts at the group's
 * committed offsets: what was polled and not acknowledged comes again, and the log recognises it.
 * Records of one partition keep their order; a partition revoked by a rebalance is continued by
 * whichever member gets it, from the committed offset (the ids make the overlap harmless).
 */
final class KafkaSource implements Source {
  /** Records fetched per consumer poll (a batch of the runner takes at most its own limit of them). */
  static final int MAX_POLL_RECORDS = 500;

  // The client logs its whole configuration at INFO on every connect, and while the broker is
  // unreachable it warns about every connection attempt (each second); the runner's own lines say when
  // the source connects and fails. So the hub shows the client's warnings only, and not the network
  // ones, unless the logging configuration set these levels. Set on connect: a command that installs
  // its log handler resets every level after the sources are made. Held here: loggers are weak.
  private static final Logger KAFKA_LOGS = Logger.getLogger("org.apache.kafka");
  private static final Logger KAFKA_NETWORK_LOGS = Logger.getLogger("org.apache.kafka.clients.NetworkClient");

  private static void quietClientLogs() {
    if (KAFKA_LOGS.getLevel() == null) {
      KAFKA_LOGS.setLevel(Level.WARNING);
    }
    if (KAFKA_NETWORK_LOGS.getLevel() == null) {
      KAFKA_NETWORK_LOGS.setLevel(Level.SEVERE);
    }
  }

  private final KafkaSettings settings;
  /** Polled from the consumer, not yet handed out (a runner batch may be smaller than a poll). */
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private volatile KafkaConsumer<byte[], byte[]> consumer; // used on the runner's thread; wakeup from others
  private volatile long lag = -1;
  private volatile boolean closed;

  KafkaSource(KafkaSettings settings) {
    this.settings = settings;
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public void connect() {
    quietClientLogs();
    closeConsumer(Duration.ofSeconds(1));
    pending.clear();
    lag = -1;
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.start());
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // never an aborted transaction's records
    KafkaConsumer<byte[], byte[]> created = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    consumer = created;
    if (closed) { // closed from another thread while this one was connecting
      closeConsumer(Duration.ZERO);
      throw new IllegalStateException("closed");
    }
    try {
      Map<String, List<PartitionInfo>> existing = created.listTopics(settings.connectTimeout());
      TreeSet<String> missing = new TreeSet<>(settings.topics());
      missing.removeAll(existing.keySet());
      if (!missing.isEmpty()) {
        throw new IllegalStateException("no topic " + String.join(", ", missing) + " on the Kafka cluster at "
            + settings.bootstrap() + " (the hub does not create topics)");
      }
      created.subscribe(settings.topics(), new Rebalance());
    } catch (RuntimeException e) {
      closeConsumer(Duration.ZERO);
      throw e;
    }
  }

  @Override
  public SourceBatch poll(Duration wait, int maxMessages) {
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current == null) {
      throw new IllegalStateException("not connected");
    }
    if (pending.isEmpty()) {
      for (ConsumerRecord<byte[], byte[]> record : current.poll(wait)) {
        pending.add(record);
      }
    }
    if (pending.isEmpty()) {
      measureLag(current);
      return SourceBatch.EMPTY;
    }
    List<Update> updates = new ArrayList<>(Math.min(maxMessages, pending.size()));
    List<String> refused = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (int n = 0; n < maxMessages && !pending.isEmpty(); n++) {
      ConsumerRecord<byte[], byte[]> record = pending.poll();
      try {
        updates.add(map(record));
      } catch (RefusedMessage e) {
        refused.add(e.getMessage());
      }
      next.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
    }
    measureLag(current);
    return new SourceBatch(updates, refused, next);
  }

  /** The update for {@code record}: its id, variables and headers. */
  Update map(ConsumerRecord<byte[], byte[]> record) throws RefusedMessage {
    String id = "kafka-" + record.topic() + "-" + record.partition() + "-" + record.offset();
    Map<String, String> variables = Map.of(
        "kafka_topic", record.topic(),
        "partition", Integer.toString(record.partition()),
        "key", record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8));
    byte[] value = record.value() == null ? new byte[0] : record.value();
    return settings.mapping().map(id, variables, value, name -> {
      Header header = record.headers().lastHeader(name);
      return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public void acknowledge(SourceBatch batch) {
    if (batch.position() == null) {
      return;
    }
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current == null) {
      throw new IllegalStateException("not connected");
    }
    current.commitSync((Map<TopicPartition, OffsetAndMetadata>) batch.position());
  }

  /** Records behind the consumer's position on its partitions, plus those polled and not handed out. */
  private void measureLag(KafkaConsumer<byte[], byte[]> current) {
    long behind = pending.size();
    boolean known = current.assignment().isEmpty() || !pending.isEmpty();
    for (TopicPartition partition : current.assignment()) {
      OptionalLong partitionLag = current.currentLag(partition);
      if (partitionLag.isPresent()) {
        behind += partitionLag.getAsLong();
        known = true;
      }
    }
    lag = known ? behind : -1;
  }

  /** Computed on the runner's thread after each poll (the consumer is not thread-safe): cheap to read. */
  @Override
  public long lag() {
    return lag;
  }

  @Override
  public void wakeup() {
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
  }

  @Override
  public void close() {
    closed = true;
    closeConsumer(Duration.ofSeconds(5));
  }

  private void closeConsumer(Duration timeout) {
    KafkaConsumer<byte[], byte[]> current = consumer;
    consumer = null;
    if (current != null) {
      try {
        current.close(CloseOptions.timeout(timeout));
      } catch (RuntimeException e) {
        // closing anyway: the broker drops the member after its session timeout
      }
    }
  }

  /** Drops the records polled but not handed out of partitions this member no longer owns. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

    private void drop(Collection<TopicPartition> partitions) {
      pending.removeIf(record -> partitions.contains(new TopicPartition(record.topic(), record.partition())));
    }
  }
}
