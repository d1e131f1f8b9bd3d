package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.hub.auth.Tokens;
import dev.herald.source.kafka.KafkaBroker;
import dev.herald.sse.SseEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/**
 * Crash safety of the Kafka source: 10,000 records arrive on four partitions while
 * {@code herald serve --store sqlite --source kafka://...} (a child JVM) consumes them and is killed
 * with SIGKILL at a random moment (seeded: the seed is printed; {@code -Dherald.crash.seed=N} repeats
 * a run). Restarted on the same data directory, the hub must hold every record exactly once, each
 * partition's in offset order, and a subscriber replaying from {@code earliest} must see exactly that.
 * The broker runs in this test's JVM ({@link KafkaBroker}).
 */
class KafkaSourceCrashIT {
  private static final String SECRET = "kafka-crash-test-secret-that-is-long-enough";
  private static final int RECORDS = 10_000;
  private static final int PARTITIONS = 4;

  @Test
  void everyRecordIsStoredExactlyOnceInPartitionOrderAcrossKillMinus9() throws Exception {
    long seed = Long.getLong("herald.crash.seed", System.nanoTime());
    System.out.println("KafkaSourceCrashIT seed=" + seed + " (repeat with -Dherald.crash.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    KafkaBroker broker = KafkaBroker.shared();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String topic = "crash-" + suffix;
    String group = "herald-crash-" + suffix;
    broker.createTopic(topic, PARTITIONS);
    Path dataDir = Files.createTempDirectory("herald-kafka-crash");
    String source = "kafka://" + broker.bootstrap() + "?topics=" + topic + "&group=" + group
        + "&topic=https://example.com/orders/{key}&type_header=kind";
    try {
      HubProcess first = serve(dataDir, source);
      CompletableFuture<List<RecordMetadata>> producing = CompletableFuture.supplyAsync(() -> produce(broker, topic));
      // Kill it at a random point of its progress: once the group committed a random number of offsets.
      long killAt = 1 + random.nextInt(RECORDS - 1000);
      long consuming = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (committed(broker, group) < killAt) {
        assertThat(System.nanoTime()).as("the first hub commits " + killAt + " offsets within 60 s")
            .isLessThan(consuming);
        Thread.sleep(5);
      }
      long killAfter = random.nextInt(50);
      Thread.sleep(killAfter);
      first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close, offsets not committed
      assertThat(first.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      List<RecordMetadata> produced = producing.get(60, TimeUnit.SECONDS);
      long committedAtKill = committed(broker, group);
      System.out.println("KafkaSourceCrashIT killed " + killAfter + " ms after " + killAt + " offsets were committed,"
          + " with " + committedAtKill + " of " + RECORDS + " committed");

      Map<Integer, List<String>> expected = new TreeMap<>();
      for (RecordMetadata metadata : produced) {
        expected.computeIfAbsent(metadata.partition(), p -> new ArrayList<>())
            .add("kafka-" + topic + "-" + metadata.partition() + "-" + metadata.offset());
      }
      expected.values().forEach(ids -> ids.sort(Comparator.comparingLong(id -> Long.parseLong(
          id.substring(id.lastIndexOf('-') + 1)))));

      try (HubProcess second = serve(dataDir, source)) {
        List<SseEvent> live = subscribe(second.endpoint, RECORDS, Duration.ofSeconds(90));
        assertThat(live).as("a subscriber from earliest got every record").hasSize(RECORDS);
        List<SseEvent> replayed = subscribe(second.endpoint, Integer.MAX_VALUE, Duration.ofSeconds(5));
        List<String> ids = replayed.stream().map(SseEvent::id).toList();
        assertThat(ids).as("a second replay from earliest: the same list").isEqualTo(live.stream().map(SseEvent::id)
            .toList());
        assertThat(new HashSet<>(ids)).as("no duplicate").hasSize(RECORDS);
        for (int partition = 0; partition < PARTITIONS; partition++) {
          List<String> order = new ArrayList<>();
          String prefix = "kafka-" + topic + "-" + partition + "-";
          for (String id : ids) {
            if (id.startsWith(prefix)) {
              order.add(id);
            }
          }
          assertThat(order).as("partition %d exactly once in offset order", partition)
              .isEqualTo(expected.getOrDefault(partition, List.of()));
        }
        for (SseEvent event : replayed) {
          assertThat(event.type()).isEqualTo("created");
          assertThat(event.data()).startsWith("value-");
        }
        System.out.println("KafkaSourceCrashIT after the restart: " + sourceCounts(second.endpoint));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (committed(broker, group) < RECORDS) {
          assertThat(System.nanoTime()).as("every offset committed within 30 s").isLessThan(deadline);
          Thread.sleep(50);
        }
      }
    } finally {
      broker.deleteTopics(topic);
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  /** 10,000 records with keys and a type header, in slices of 100 a few ms apart (so the kill lands mid-stream). */
  private static List<RecordMetadata> produce(KafkaBroker broker, String topic) {
    try (KafkaProducer<byte[], byte[]> producer = broker.producer()) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int n = 0; n < RECORDS; n++) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
            ("order-" + (n % 97)).getBytes(StandardCharsets.UTF_8), ("value-" + n).getBytes(StandardCharsets.UTF_8));
        record.headers().add(new RecordHeader("kind", "created".getBytes(StandardCharsets.UTF_8)));
        sent.add(producer.send(record));
        if (n % 100 == 99) {
          Thread.sleep(30);
        }
      }
      producer.flush();
      List<RecordMetadata> result = new ArrayList<>();
      for (Future<RecordMetadata> future : sent) {
        result.add(future.get(60, TimeUnit.SECONDS));
      }
      return result;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The second hub's {@code herald_source_messages_total} lines (published, duplicate, refused). */
  private static String sourceCounts(String endpoint) throws Exception {
    java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create(endpoint).resolve("/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return String.join("; ", metrics.body().lines().filter(line -> line.startsWith("herald_source_messages_total"))
        .map(line -> line.replaceAll(",?source=\"[^\"]*\"", "")).toList());
  }

  private static long committed(KafkaBroker broker, String group) throws Exception {
    return broker.committed(group).values().stream().mapToLong(Long::longValue).sum();
  }

  /** Events from {@code earliest} until {@code count} came, or none came for a while, within {@code limit}. */
  private static List<SseEvent> subscribe(String endpoint, int count, Duration quiet) throws Exception {
    List<SseEvent> events = new ArrayList<>();
    String token = Tokens.hmac(SECRET, List.of(), List.of("*"), Duration.ofHours(1), Instant.now());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
    try (EventIterator iterator = EventSource.builder(URI.create(endpoint + "?topic=*"))
        .header("Authorization", "Bearer " + token).lastEventId("earliest").iterator()) {
      while (events.size() < count && System.nanoTime() < deadline) {
        SseEvent event = iterator.poll(events.isEmpty() ? Duration.ofSeconds(30) : quiet);
        if (event == null) {
          break;
        }
        events.add(event);
      }
    }
    return events;
  }

  private static HubProcess serve(Path dataDir, String source) throws Exception {
    return HubProcess.serve("--listen", "127.0.0.1:0", "--jwt-secret", SECRET, "--store", "sqlite",
        "--data-dir", dataDir.toString(), "--source", source);
  }
}
