package dev.herald.source.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import dev.herald.source.SourceUri;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Helpers of the broker tests: names, producing, bounded waits. */
final class KafkaTesting {
  private KafkaTesting() {}

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static KafkaSource source(String uri) {
    return new KafkaSource(KafkaSettings.from(SourceUri.parse(uri)));
  }

  static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  /** Sends {@code records} and waits for every acknowledgement; their metadata in order. */
  static List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = KafkaBroker.shared().producer()) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> record : records) {
        sent.add(producer.send(record));
      }
      producer.flush();
      List<RecordMetadata> result = new ArrayList<>();
      for (java.util.concurrent.Future<RecordMetadata> future : sent) {
        result.add(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
      }
      return result;
    }
  }

  /** Polls {@code source} until {@code messages} messages came (within 60 s); the batches. */
  static List<SourceBatch> pollUntil(Source source, int messages, int maxPerBatch) throws Exception {
    List<SourceBatch> batches = new ArrayList<>();
    int seen = 0;
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (seen < messages) {
      assertThat(System.nanoTime()).as(messages + " messages within 60 s, got " + seen).isLessThan(deadline);
      SourceBatch batch = source.poll(Duration.ofMillis(200), maxPerBatch);
      if (!batch.isEmpty()) {
        batches.add(batch);
        seen += batch.messages();
      }
    }
    return batches;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
