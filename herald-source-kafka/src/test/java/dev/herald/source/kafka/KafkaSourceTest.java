package dev.herald.source.kafka;

import static dev.herald.source.kafka.KafkaTesting.pollUntil;
import static dev.herald.source.kafka.KafkaTesting.produce;
import static dev.herald.source.kafka.KafkaTesting.source;
import static dev.herald.source.kafka.KafkaTesting.unique;
import static dev.herald.source.kafka.KafkaTesting.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.Update;
import dev.herald.source.SourceBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Kafka source against a real broker: mapping, ids, headers, refusals, commits, lag. */
class KafkaSourceTest {
  private KafkaBroker broker;
  private String topic;
  private String group;
  private final List<KafkaSource> sources = new ArrayList<>();

  @BeforeEach
  void topic() throws Exception {
    broker = KafkaBroker.shared();
    topic = unique("map");
    group = unique("group");
    broker.createTopic(topic, 2);
  }

  @AfterEach
  void cleanUp() {
    sources.forEach(KafkaSource::close);
    broker.deleteTopics(topic);
  }

  private KafkaSource open(String parameters) {
    KafkaSource source = source("kafka://" + broker.bootstrap() + "?topics=" + topic + "&group=" + group + parameters);
    sources.add(source);
    return source;
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String key, byte[] value,
      String... headers) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, utf8(key), value);
    for (int i = 0; i < headers.length; i += 2) {
      record.headers().add(new RecordHeader(headers[i], utf8(headers[i + 1])));
    }
    return record;
  }

  @Test
  void recordsBecomeUpdatesWithVariablesIdsAndHeaders() throws Exception {
    produce(List.of(
        record(topic, 0, "order/1 x", utf8("{\"total\":3}"), "kind", "created", "private", "true"),
        record(topic, 0, null, utf8("second")),
        record(topic, 0, "k", new byte[] {(byte) 0xC3, 0x28}, "kind", "broken"),
        record(topic, 1, "é", utf8("éà €"), "private", "off", "kind", "first", "kind", "last"),
        record(topic, 1, "t", null)));
    KafkaSource source = open("&topic=https://example.com/{kafka_topic}/{partition}/{key}"
        + "&topic=https://example.com/all&type_header=kind&private_header=private");
    source.connect();
    List<SourceBatch> batches = pollUntil(source, 5, 100);
    List<Update> updates = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (SourceBatch batch : batches) {
      updates.addAll(batch.updates());
      refused.addAll(batch.refused());
    }
    Map<String, Update> byId = new java.util.HashMap<>();
    updates.forEach(update -> byId.put(update.id(), update));
    assertThat(byId).containsOnlyKeys("kafka-" + topic + "-0-0", "kafka-" + topic + "-0-1",
        "kafka-" + topic + "-1-0", "kafka-" + topic + "-1-1");

    Update first = byId.get("kafka-" + topic + "-0-0");
    assertThat(first.topics()).containsExactly("https://example.com/" + topic + "/0/order%2F1%20x",
        "https://example.com/all");
    assertThat(first.data()).isEqualTo("{\"total\":3}");
    assertThat(first.type()).isEqualTo("created");
    assertThat(first.isPrivate()).isTrue();

    Update noKey = byId.get("kafka-" + topic + "-0-1");
    assertThat(noKey.topics().get(0)).isEqualTo("https://example.com/" + topic + "/0/");
    assertThat(noKey.type()).isNull();
    assertThat(noKey.isPrivate()).isFalse();

    Update nonAscii = byId.get("kafka-" + topic + "-1-0");
    assertThat(nonAscii.topics().get(0)).isEqualTo("https://example.com/" + topic + "/1/%C3%A9");
    assertThat(nonAscii.data()).isEqualTo("éà €");
    assertThat(nonAscii.type()).as("the last header of a name counts").isEqualTo("last");
    assertThat(nonAscii.isPrivate()).isFalse();

    assertThat(byId.get("kafka-" + topic + "-1-1").data()).as("a record without a value").isEmpty();

    assertThat(refused).hasSize(1);
    assertThat(refused.get(0)).contains("kafka-" + topic + "-0-2").contains("not valid UTF-8")
        .doesNotContain("\u00C3");

    for (SourceBatch batch : batches) {
      source.acknowledge(batch);
    }
    assertThat(broker.committed(group)).as("refused records are committed with their batch").isEqualTo(Map.of(
        new TopicPartition(topic, 0), 3L, new TopicPartition(topic, 1), 2L));
    assertThat(source.lag()).isZero();
  }

  @Test
  void base64EncodingAndAFixedTypeAndPrivacy() throws Exception {
    produce(List.of(record(topic, 0, "k", new byte[] {(byte) 0xC3, 0x28}, "kind", "ignored")));
    KafkaSource source = open("&topic=https://example.com/{key}&encoding=base64&type=order&private=true");
    source.connect();
    Update update = pollUntil(source, 1, 10).get(0).updates().get(0);
    assertThat(update.data()).isEqualTo("wyg=");
    assertThat(update.type()).isEqualTo("order");
    assertThat(update.isPrivate()).isTrue();
  }

  @Test
  void perPartitionOrderAndBatchesNoLargerThanAsked() throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int n = 0; n < 300; n++) {
      records.add(record(topic, n % 2, "k" + n, utf8(Integer.toString(n))));
    }
    produce(records);
    KafkaSource source = open("&topic=https://example.com/{partition}");
    source.connect();
    List<SourceBatch> batches = pollUntil(source, 300, 7);
    Map<Integer, List<Integer>> values = new java.util.TreeMap<>();
    for (SourceBatch batch : batches) {
      assertThat(batch.messages()).isLessThanOrEqualTo(7);
      for (Update update : batch.updates()) {
        String[] parts = update.id().split("-");
        int partition = Integer.parseInt(parts[parts.length - 2]);
        assertThat(Long.parseLong(parts[parts.length - 1])).isEqualTo(values.computeIfAbsent(partition,
            p -> new ArrayList<>()).size());
        values.get(partition).add(Integer.parseInt(update.data()));
      }
      source.acknowledge(batch);
    }
    for (int partition = 0; partition < 2; partition++) {
      List<Integer> expected = new ArrayList<>();
      for (int n = partition; n < 300; n += 2) {
        expected.add(n);
      }
      assertThat(values.get(partition)).as("partition %d in the order produced", partition).isEqualTo(expected);
    }
  }

  @Test
  void whatWasNotAcknowledgedComesAgainAfterConnect() throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int n = 0; n < 20; n++) {
      records.add(record(topic, 0, null, utf8("m" + n)));
    }
    produce(records);
    KafkaSource source = open("&topic=https://example.com/x");
    source.connect();
    SourceBatch first = pollUntil(source, 1, 5).get(0);
    source.acknowledge(first);
    long acknowledged = first.messages();
    SourceBatch second = pollUntil(source, 1, 5).get(0); // not acknowledged
    source.connect();
    SourceBatch again = pollUntil(source, 1, 5).get(0);
    assertThat(again.updates().get(0).id()).isEqualTo(second.updates().get(0).id())
        .isEqualTo("kafka-" + topic + "-0-" + acknowledged);
  }

  @Test
  void lagCountsWhatWaitsBeyondThePolledBatch() throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int n = 0; n < 100; n++) {
      records.add(record(topic, 1, null, utf8("m" + n)));
    }
    produce(records);
    KafkaSource source = open("&topic=https://example.com/x");
    source.connect();
    SourceBatch batch = pollUntil(source, 1, 10).get(0);
    assertThat(batch.messages()).isEqualTo(10);
    long lag = CompletableFuture.supplyAsync(source::lag).get(10, TimeUnit.SECONDS); // another thread
    assertThat(lag).isEqualTo(90);
  }

  @Test
  void wakeupCutsAPollShort() throws Exception {
    KafkaSource source = open("&topic=https://example.com/x");
    source.connect();
    source.poll(Duration.ofMillis(100), 10);
    CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      source.wakeup();
    });
    long start = System.nanoTime();
    assertThatThrownBy(() -> source.poll(Duration.ofSeconds(60), 10)).isInstanceOf(WakeupException.class);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(50));
  }

  @Test
  void aMissingTopicFailsConnect() {
    KafkaSource source = source("kafka://" + broker.bootstrap() + "?topics=" + topic + ",no-such-" + topic
        + "&topic=https://example.com/x");
    sources.add(source);
    assertThatThrownBy(source::connect).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no topic no-such-" + topic);
  }

  @Test
  void anUnreachableBrokerFailsConnectInBoundedTime() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    KafkaSource source = source("kafka://127.0.0.1:" + port + "?topics=" + topic
        + "&connect_timeout=2s&topic=https://example.com/x");
    sources.add(source);
    long start = System.nanoTime();
    assertThatThrownBy(source::connect).isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    assertThat(System.nanoTime() - start).as("bounded by connect_timeout").isLessThan(TimeUnit.SECONDS.toNanos(30));
  }
}
