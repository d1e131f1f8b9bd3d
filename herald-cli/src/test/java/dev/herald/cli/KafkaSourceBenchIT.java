package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.source.kafka.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Kafka source's throughput benchmark (docs/benchmarks.md, "Sources: Kafka"), run only when asked:
 * {@code -Dherald.bench.kafka.records=N}. Produces N records (keys, a type header, 100-byte values) on
 * {@code -Dherald.bench.kafka.partitions} partitions (default 4) of the in-process broker, then starts
 * {@code herald serve --store memory --source kafka://...} and reads {@code herald_source_messages_total}
 * from /metrics every 100 ms until all N are published; prints records/s from the first published
 * record to the last. {@code -Dherald.bench.kafka.hubJvm="-XX:StartFlightRecording=..."} adds JVM options
 * to the hub's (a profile).
 */
class KafkaSourceBenchIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void drain() throws Exception {
    int records = Integer.getInteger("herald.bench.kafka.records", 0);
    Assumptions.assumeTrue(records > 0, "a benchmark: run with -Dherald.bench.kafka.records=N");
    int partitions = Integer.getInteger("herald.bench.kafka.partitions", 4);
    KafkaBroker broker = KafkaBroker.shared();
    String topic = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    broker.createTopic(topic, partitions);
    try {
      long produceStart = System.nanoTime();
      produce(broker, topic, records);
      double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
      System.out.printf("KafkaSourceBench produced %d records on %d partitions in %.1f s (%.0f records/s)%n",
          records, partitions, produceSeconds, records / produceSeconds);
      String source = "kafka://" + broker.bootstrap() + "?topics=" + topic + "&group=bench-" + topic
          + "&topic=https://example.com/orders/{key}&type_header=kind";
      long hubStart = System.nanoTime();
      String hubJvm = System.getProperty("herald.bench.kafka.hubJvm", "").strip();
      try (HubProcess hub = HubProcess.serve(hubJvm.isEmpty() ? List.of() : List.of(hubJvm.split("\\s+")), "--listen", "127.0.0.1:0", "--jwt-secret",
          "kafka-bench-secret-that-is-long-enough", "--store", "memory", "--source", source)) {
        URI metrics = URI.create(hub.endpoint).resolve("/metrics");
        long firstAt = 0;
        long firstCount = 0;
        long count = 0;
        double hubCpuAtFirst = 0;
        long brokerCpuAtFirst = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (count < records) {
          assertThat(System.nanoTime()).as("drained within 10 minutes").isLessThan(deadline);
          Thread.sleep(100);
          String scrape = scrape(metrics);
          count = (long) sum(scrape, "herald_source_messages_total{", "outcome=\"published\"");
          if (firstAt == 0 && count > 0) {
            firstAt = System.nanoTime();
            firstCount = count;
            hubCpuAtFirst = sum(scrape, "process_cpu_seconds_total", "");
            brokerCpuAtFirst = processCpuNanos();
          }
        }
        long end = System.nanoTime();
        double hubCpu = sum(scrape(metrics), "process_cpu_seconds_total", "") - hubCpuAtFirst;
        double brokerCpu = (processCpuNanos() - brokerCpuAtFirst) / 1e9;
        double seconds = (end - firstAt) / 1e9;
        System.out.printf("KafkaSourceBench drained %d records: %.0f records/s (%d records in %.2f s after the"
            + " first sample with %d published); %.1f s from the hub's start%n", records,
            (records - firstCount) / seconds, records - firstCount, seconds, firstCount, (end - hubStart) / 1e9);
        System.out.printf("KafkaSourceBench CPU meanwhile: hub %.1f s (%.1f µs a record, %.0f records per CPU-second),"
            + " broker and this JVM %.1f s%n", hubCpu, hubCpu * 1e6 / (records - firstCount),
            (records - firstCount) / hubCpu, brokerCpu);
      }
    } finally {
      broker.deleteTopics(topic);
    }
  }

  private static void produce(KafkaBroker broker, String topic, int records) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    byte[] value = ("{\"order\":0,\"status\":\"created\",\"padding\":\"" + "x".repeat(56) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int n = 0; n < records; n++) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
            ("order-" + (n % 1000)).getBytes(StandardCharsets.UTF_8), value);
        record.headers().add("kind", "created".getBytes(StandardCharsets.UTF_8));
        producer.send(record);
      }
      producer.flush();
    }
  }

  private static String scrape(URI metrics) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The sum of the samples of the lines starting with {@code prefix} and containing {@code label}. */
  private static double sum(String scrape, String prefix, String label) {
    double sum = 0;
    for (String line : scrape.lines().toList()) {
      if (line.startsWith(prefix) && line.contains(label)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** CPU time of this JVM (the broker's, while the hub drains). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
