package dev.herald.source.kafka;

import static dev.herald.source.kafka.KafkaTesting.await;
import static dev.herald.source.kafka.KafkaTesting.produce;
import static dev.herald.source.kafka.KafkaTesting.source;
import static dev.herald.source.kafka.KafkaTesting.unique;
import static dev.herald.source.kafka.KafkaTesting.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.Entry;
import dev.herald.log.FailingLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import dev.herald.source.SourceRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka source under the hub's {@link SourceRunner} and a real (memory) log: order per partition,
 * offsets committed only after the log stored a batch, redelivery recognised as duplicates.
 */
class KafkaRunnerTest {
  private KafkaBroker broker;
  private String topic;
  private String group;
  private final FailingLog log = new FailingLog(new MemoryEventLog(100_000, new IdGenerator()));
  private SourceRunner runner;

  @BeforeEach
  void topic() throws Exception {
    broker = KafkaBroker.shared();
    topic = unique("run");
    group = unique("group");
    broker.createTopic(topic, 3);
  }

  @AfterEach
  void cleanUp() {
    if (runner != null) {
      runner.close();
    }
    log.close();
    broker.deleteTopics(topic);
  }

  private KafkaSource kafka() {
    return source("kafka://" + broker.bootstrap() + "?topics=" + topic + "&group=" + group
        + "&topic=https://example.com/{kafka_topic}/{key}");
  }

  private void start(Source source, int batch) {
    runner = SourceRunner.start(source, log, 1 << 20, batch, Duration.ofMillis(100), Duration.ofMillis(20),
        Duration.ofMillis(200));
  }

  private List<RecordMetadata> produce(int count) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      records.add(new ProducerRecord<>(topic, utf8("key-" + (n % 17)), utf8("value-" + n)));
    }
    return KafkaTesting.produce(records);
  }

  private long committedTotal() {
    try {
      return broker.committed(group).values().stream().mapToLong(Long::longValue).sum();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<Update> stored() {
    return log.readAfterSequence(0, Integer.MAX_VALUE).stream().map(Entry::update).toList();
  }

  @Test
  void everyRecordIsStoredOnceInPartitionOrder() throws Exception {
    List<RecordMetadata> produced = produce(3000);
    Map<String, String> expected = new HashMap<>();
    for (int n = 0; n < produced.size(); n++) {
      RecordMetadata metadata = produced.get(n);
      expected.put("kafka-" + topic + "-" + metadata.partition() + "-" + metadata.offset(), "value-" + n);
    }
    start(kafka(), 100);
    await("3000 offsets committed", () -> committedTotal() == 3000);
    List<Update> stored = stored();
    assertThat(stored).hasSize(3000);
    Map<Integer, Long> next = new HashMap<>();
    for (Update update : stored) {
      assertThat(update.data()).isEqualTo(expected.get(update.id()));
      String[] parts = update.id().split("-");
      int partition = Integer.parseInt(parts[parts.length - 2]);
      long offset = Long.parseLong(parts[parts.length - 1]);
      assertThat(offset).as("partition %d in order", partition).isEqualTo(next.getOrDefault(partition, 0L));
      next.put(partition, offset + 1);
    }
    assertThat(next).as("records on every partition").hasSize(3);
    assertThat(runner.stats().published()).isEqualTo(3000);
    assertThat(runner.stats().duplicates()).isZero();
    await("lag 0", () -> runner.stats().lag() == 0);
  }

  @Test
  void whileTheLogFailsNoOffsetIsCommittedAndNothingIsLost() throws Exception {
    produce(1000);
    log.failAppends(true);
    KafkaSource kafka = kafka();
    start(kafka, 50);
    await("the runner paused and retried", () -> runner.stats().state().equals("paused") && log.failedAppends() >= 5);
    assertThat(broker.committed(group)).as("no offset committed while the log fails").isEmpty();
    assertThat(runner.stats().consumed()).as("one batch held, no more").isEqualTo(50);
    assertThat(log.lastSequence()).isZero();
    assertThat(runner.stats().lag()).as("the runner shows no lag while paused").isEqualTo(-1);
    assertThat(kafka.lag()).as("the rest waits in Kafka (the partitions fetched so far)").isBetween(1L, 950L);

    log.failAppends(false);
    await("1000 offsets committed", () -> committedTotal() == 1000);
    List<Update> stored = stored();
    assertThat(stored).hasSize(1000);
    assertThat(new HashSet<>(stored.stream().map(Update::id).toList())).hasSize(1000);
    assertThat(runner.stats().published()).isEqualTo(1000);
    assertThat(runner.stats().state()).isEqualTo("running");
  }

  @Test
  void aBatchRedeliveredAfterAFailedCommitIsCountedAsDuplicate() throws Exception {
    produce(200);
    KafkaSource kafka = kafka();
    AtomicInteger acknowledgements = new AtomicInteger();
    AtomicInteger firstBatch = new AtomicInteger();
    Source failingOnce = new Source() {
      @Override
      public String name() {
        return kafka.name();
      }

      @Override
      public void connect() {
        kafka.connect();
      }

      @Override
      public SourceBatch poll(Duration wait, int maxMessages) {
        return kafka.poll(wait, maxMessages);
      }

      @Override
      public void acknowledge(SourceBatch batch) {
        if (acknowledgements.getAndIncrement() == 0) {
          firstBatch.set(batch.messages());
          throw new org.apache.kafka.clients.consumer.CommitFailedException("injected: the commit failed");
        }
        kafka.acknowledge(batch);
      }

      @Override
      public long lag() {
        return kafka.lag();
      }

      @Override
      public void wakeup() {
        kafka.wakeup();
      }

      @Override
      public void close() {
        kafka.close();
      }
    };
    start(failingOnce, 40);
    await("200 offsets committed", () -> committedTotal() == 200);
    assertThat(firstBatch.get()).isPositive();
    assertThat(stored()).hasSize(200);
    assertThat(runner.stats().published()).isEqualTo(200);
    assertThat(runner.stats().duplicates()).as("the batch whose commit failed came again")
        .isEqualTo(firstBatch.get());
    assertThat(runner.stats().errors()).isGreaterThanOrEqualTo(1);
    assertThat(runner.stats().lastError()).contains("injected");
  }

  @Test
  void refusedRecordsAreCountedAndCommitted() throws Exception {
    KafkaTesting.produce(List.of(
        new ProducerRecord<>(topic, 0, utf8("a"), utf8("fine")),
        new ProducerRecord<>(topic, 0, utf8("b"), new byte[] {(byte) 0xFF, (byte) 0xFE}),
        new ProducerRecord<>(topic, 0, utf8("c"), utf8("fine too"))));
    start(kafka(), 100);
    await("3 offsets committed", () -> committedTotal() == 3);
    assertThat(stored()).extracting(Update::data).containsExactly("fine", "fine too");
    assertThat(runner.stats().refused()).isEqualTo(1);
    assertThat(runner.stats().published()).isEqualTo(2);
    assertThat(runner.stats().consumed()).isEqualTo(3);
  }

  @Test
  void twoMembersOfOneGroupShareThePartitionsAndStoreEachRecordOnce() throws Exception {
    produce(600);
    start(kafka(), 25);
    SourceRunner second = SourceRunner.start(kafka(), log, 1 << 20, 25, Duration.ofMillis(100), Duration.ofMillis(20),
        Duration.ofMillis(200));
    try {
      await("600 offsets committed", () -> committedTotal() == 600);
    } finally {
      second.close();
    }
    List<Update> stored = stored();
    assertThat(stored).hasSize(600);
    assertThat(runner.stats().published() + second.stats().published()).isEqualTo(600);
  }
}
