package dev.herald.source.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) in the test JVM, from the Maven
 * Central artifacts alone, on free loopback ports: one per JVM, started on first use (7 s of CPU on
 * this machine) and stopped when the JVM ends. Tests use topics and groups of their own (random
 * suffixes) and delete their topics.
 */
public final class KafkaBroker {
  private static KafkaBroker shared;

  private final Path dir;
  private final KafkaRaftServer server;
  private final String bootstrap;
  private final Admin admin;

  private KafkaBroker(Path dir, KafkaRaftServer server, String bootstrap) {
    this.dir = dir;
    this.server = server;
    this.bootstrap = bootstrap;
    this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
  }

  /** The broker of this JVM, started on the first call. */
  public static synchronized KafkaBroker shared() throws Exception {
    if (shared == null) {
      shared = start();
      KafkaBroker broker = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "kafka-test-broker-stop"));
    }
    return shared;
  }

  private static KafkaBroker start() throws Exception {
    // A fatal broker fault must fail the tests, not halt the test JVM.
    Exit.setExitProcedure((status, message) -> {
      throw new IllegalStateException("the test broker tried to exit(" + status + "): " + message);
    });
    Exit.setHaltProcedure((status, message) -> {
      throw new IllegalStateException("the test broker tried to halt(" + status + "): " + message);
    });
    Path dir = Files.createTempDirectory("herald-kafka");
    int port = freePort();
    int controllerPort = freePort();
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    p.put("auto.create.topics.enable", "false");
    KafkaConfig config = new KafkaConfig(p);
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(dir.toString()))
        .setMetadataLogDirectory(dir.toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.latestProduction())
        .run();
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    return new KafkaBroker(dir, server, "127.0.0.1:" + port);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** {@code 127.0.0.1:PORT}. */
  public String bootstrap() {
    return bootstrap;
  }

  /** An admin client of this broker (shared: do not close it). */
  public Admin admin() {
    return admin;
  }

  /** Creates {@code topic} with {@code partitions} partitions and waits for it. */
  public void createTopic(String topic, int partitions) throws Exception {
    admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    // Created is not yet served: a produce that comes before each partition has its leader fails
    // with NotLeaderOrFollower, and the idempotent producer's retry then with OutOfOrderSequence.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      org.apache.kafka.clients.admin.TopicDescription description;
      try {
        description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      } catch (ExecutionException e) {
        // the broker's metadata may not know the topic yet, just after it was created
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
          throw e;
        }
        description = null;
      }
      if (description != null && description.partitions().size() == partitions
          && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topic " + topic + " has no leader for every partition after 60 s");
      }
      Thread.sleep(20);
    }
  }

  /** Deletes {@code topics}, ignoring failures (cleanup). */
  public void deleteTopics(String... topics) {
    try {
      admin.deleteTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // cleanup only
    }
  }

  /** A producer that waits for the broker's acknowledgement of every record ({@code acks=all}, idempotent). */
  public KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // one request at a time: a retry (a leader not yet ready) cannot overtake or reorder the next
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The committed offsets of {@code group} (partitions without one are absent). */
  public Map<TopicPartition, Long> committed(String group) throws ExecutionException, InterruptedException,
      java.util.concurrent.TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    Map<TopicPartition, Long> result = new HashMap<>();
    offsets.forEach((partition, offset) -> {
      if (offset != null) {
        result.put(partition, offset.offset());
      }
    });
    return result;
  }

  private void stop() {
    try {
      admin.close();
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      // the JVM is ending anyway
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory
    }
  }
}
