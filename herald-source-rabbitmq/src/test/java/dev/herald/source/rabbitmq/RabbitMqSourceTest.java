package dev.herald.source.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import dev.herald.hub.log.MemoryEventLog;
import dev.herald.log.FailingLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import dev.herald.source.SourceRunner;
import dev.herald.source.SourceUri;
import dev.herald.source.Sources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The RabbitMQ source against the real broker on 127.0.0.1:5672, each test on a queue of its own. */
class RabbitMqSourceTest {
  private RabbitBroker broker;
  private final FailingLog log = new FailingLog(new MemoryEventLog(100_000, new IdGenerator()));
  private SourceRunner runner;

  @BeforeEach
  void connect() throws Exception {
    broker = RabbitBroker.connect();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (runner != null) {
      runner.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private RabbitMqSource source(String parameters) {
    return (RabbitMqSource) Sources.open(broker.uri(parameters));
  }

  private void run(Source source, int batch) {
    runner = SourceRunner.start(source, log, 1 << 20, batch, Duration.ofMillis(50), Duration.ofMillis(10),
        Duration.ofMillis(200));
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static List<String> numbered(int from, int to) {
    return IntStream.range(from, to).mapToObj(n -> "m-" + n).toList();
  }

  private long ready() {
    try {
      return broker.ready();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void mapsRoutingKeyExchangeQueueHeadersAndMessageId() throws Exception {
    broker.declare();
    broker.channel.queueBind(broker.queue, "amq.topic", "orders.#");
    run(source("topic=https://example.com/{exchange}/{routing_key}/{queue}&topic=https://example.com/all"
        + "&type_header=kind&private_header=secret"), 10);
    broker.publish("amq.topic", "orders.eu/1", RabbitBroker.headers("order-1",
        Map.of("kind", "created", "secret", "true")), "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    broker.publish("amq.topic", "orders.us", RabbitBroker.headers("order-2", Map.of("secret", "no")),
        "two".getBytes(StandardCharsets.UTF_8));
    await("two updates", () -> log.ids().size() == 2);
    List<Update> updates = log.updates();
    assertThat(updates.get(0)).isEqualTo(new Update("order-1", List.of("https://example.com/amq.topic/orders.eu%2F1/"
        + broker.queue, "https://example.com/all"), "{\"n\":1}", true, "created", null));
    assertThat(updates.get(1)).isEqualTo(new Update("order-2", List.of("https://example.com/amq.topic/orders.us/"
        + broker.queue, "https://example.com/all"), "two", false, null, null));
    await("acknowledged", () -> ready() == 0 && runner.stats().published() == 2);
  }

  @Test
  void theDefaultExchangeIsEmptyAndTheTypePropertyCanBeTheEventType() throws Exception {
    broker.declare();
    run(source("topic=https://example.com/x{exchange}/{routing_key}&type_property=true"), 10);
    broker.publish("", broker.queue, new AMQP.BasicProperties.Builder().messageId("a").type("order.created").build(),
        "a".getBytes(StandardCharsets.UTF_8));
    await("one update", () -> log.ids().size() == 1);
    assertThat(log.updates().get(0)).isEqualTo(new Update("a", List.of("https://example.com/x/" + broker.queue), "a",
        false, "order.created", null));
  }

  @Test
  void withoutMessageIdTheIdIsGeneratedAndAnAmqpTypeIsNotTheEventTypeByDefault() throws Exception {
    broker.declare();
    run(source("topic=https://example.com/t"), 10);
    broker.publish("", broker.queue, new AMQP.BasicProperties.Builder().type("ignored").build(),
        "x".getBytes(StandardCharsets.UTF_8));
    await("one update", () -> log.ids().size() == 1);
    Update update = log.updates().get(0);
    assertThat(update.id()).matches("amqp-[0-9a-f-]{36}");
    assertThat(update.type()).isNull();
  }

  @Test
  void refusedPayloadsAndIdsAreCountedAndAcknowledged() throws Exception {
    broker.declare();
    run(source("topic=https://example.com/t"), 10);
    broker.publish("", broker.queue, new AMQP.BasicProperties.Builder().messageId("bad-utf8").build(),
        new byte[] {(byte) 0xc3, (byte) 0x28});
    broker.publish("", broker.queue, new AMQP.BasicProperties.Builder().messageId("#reserved").build(),
        "x".getBytes(StandardCharsets.UTF_8));
    broker.publish("", broker.queue, new AMQP.BasicProperties.Builder().messageId("two\nlines").build(),
        "x".getBytes(StandardCharsets.UTF_8));
    broker.publish("ok", "fine");
    await("all four handled", () -> runner.stats().refused() == 3 && runner.stats().published() == 1);
    assertThat(log.ids()).containsExactly("ok");
    await("all acknowledged", () -> ready() == 0);
    assertThat(source("topic=https://example.com/t").name()).doesNotContain("guest:guest");
  }

  @Test
  void base64EncodingPublishesAnyPayload() throws Exception {
    broker.declare();
    run(source("topic=https://example.com/t&encoding=base64"), 10);
    broker.publish("", broker.queue, new AMQP.BasicProperties.Builder().messageId("bin").build(),
        new byte[] {(byte) 0xc3, (byte) 0x28});
    await("stored", () -> log.ids().size() == 1);
    assertThat(log.updates().get(0).data()).isEqualTo("wyg=");
  }

  @Test
  void storesThousandsInTheQueuesOrderAndDrainsIt() throws Exception {
    broker.declare();
    broker.publishNumbered(0, 3000, true);
    run(source("topic=https://example.com/{queue}"), 64);
    await("3000 updates", () -> log.ids().size() == 3000);
    assertThat(log.ids()).isEqualTo(numbered(0, 3000));
    assertThat(log.updates().get(2999).data()).isEqualTo("m-2999");
    await("the queue drained", () -> ready() == 0 && runner.stats().consumed() == 3000);
    assertThat(runner.stats().duplicates()).isZero();
  }

  @Test
  void whileTheLogFailsNothingIsAcknowledgedAndOneBatchIsHeld() throws Exception {
    broker.declare();
    broker.publishNumbered(0, 100, true);
    log.failAppends(true);
    run(source("topic=https://example.com/t"), 10);
    await("several failed appends", () -> log.appendAttempts() >= 4);
    assertThat(runner.stats().state()).isEqualTo("paused");
    assertThat(runner.stats().consumed()).as("one batch, polled once").isBetween(1L, 10L);
    await("the prefetch (one batch) is out, the rest waits in the queue", () -> ready() == 90);
    long consumed = runner.stats().consumed();
    await("more failed appends", () -> log.appendAttempts() >= 8);
    assertThat(runner.stats().consumed()).as("nothing more polled while the log fails").isEqualTo(consumed);
    assertThat(ready()).isEqualTo(90);
    runner.close(); // the channel closes: the ten unacknowledged go back, nothing was acked
    runner = null;
    await("all 100 back in the queue", () -> ready() == 100);

    log.failAppends(false);
    run(source("topic=https://example.com/t"), 10);
    await("stored", () -> log.ids().size() == 100);
    assertThat(log.ids()).isEqualTo(numbered(0, 100));
    await("drained", () -> ready() == 0);
  }

  @Test
  void aLogThatComesBackResumesWithoutLosingOrRepeating() throws Exception {
    broker.declare();
    broker.publishNumbered(0, 50, true);
    log.failAppends(true);
    run(source("topic=https://example.com/t"), 8);
    await("several failed appends", () -> log.appendAttempts() >= 3);
    log.failAppends(false);
    await("stored", () -> log.ids().size() == 50);
    assertThat(log.ids()).isEqualTo(numbered(0, 50));
    await("drained", () -> ready() == 0);
  }

  @Test
  void redeliveredMessagesWithIdsAreCountedDuplicatesNotStoredTwice() throws Exception {
    broker.declare();
    broker.publishNumbered(0, 40, true);
    FailingAck source = new FailingAck(source("topic=https://example.com/t"), 2);
    run(source, 10);
    await("stored, acknowledged, drained", () -> log.ids().size() == 40 && ready() == 0
        && runner.stats().consumed() == 40 + runner.stats().duplicates());
    assertThat(log.ids()).isEqualTo(numbered(0, 40));
    assertThat(runner.stats().duplicates()).as("what the two failed acks covered came again").isPositive();
    assertThat(runner.stats().published()).isEqualTo(40);
  }

  @Test
  void withoutMessageIdsARedeliveryIsPublishedAgainAndCounted() throws Exception {
    broker.declare();
    broker.publishNumbered(0, 10, false);
    RabbitMqSource inner = source("topic=https://example.com/t");
    run(new FailingAck(inner, 1), 10);
    await("delivered again and stored", () -> inner.republished() >= 1 && ready() == 0 && log.ids().size() > 10
        && log.updates().stream().map(Update::data).distinct().count() == 10
        && runner.stats().consumed() == log.ids().size());
    List<String> data = log.updates().stream().map(Update::data).toList();
    assertThat(data.size()).as("what the failed ack covered is published twice").isBetween(11, 20);
    assertThat(data.stream().distinct().toList()).as("first occurrences in order").isEqualTo(numbered(0, 10));
    assertThat(inner.republished()).as("redeliveries without message_id, counted").isBetween(1L, 10L);
  }

  @Test
  void lagIsTheQueuesReadyCount() throws Exception {
    broker.declare();
    broker.publishNumbered(0, 25, true);
    try (RabbitMqSource source = source("topic=https://example.com/t")) {
      assertThat(source.lag()).isEqualTo(-1);
      source.connect();
      assertThat(source.lag()).isEqualTo(25);
      SourceBatch batch = source.poll(Duration.ofSeconds(10), 10);
      assertThat(batch.updates()).isNotEmpty();
      await("the prefetched batch no longer counts once the cache expires", () -> source.lag() == 15);
    }
  }

  @Test
  void wakeupCutsAPollShort() throws Exception {
    broker.declare();
    try (RabbitMqSource source = source("topic=https://example.com/t")) {
      source.connect();
      CompletableFuture<SourceBatch> polled = CompletableFuture.supplyAsync(() -> {
        try {
          return source.poll(Duration.ofMinutes(5), 10);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      await("the consumer is registered", () -> {
        try {
          return broker.consumers() == 1;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      source.wakeup();
      assertThat(polled.get(10, TimeUnit.SECONDS).isEmpty()).isTrue();
    }
  }

  @Test
  void aMissingQueueIsDeclaredDurableUnlessDeclareIsFalse() throws Exception {
    try (RabbitMqSource strict = source("topic=https://example.com/t&declare=false")) {
      assertThatThrownBy(strict::connect).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("queue '" + broker.queue + "' does not exist in vhost '/' (and declare=false)");
    }
    try (RabbitMqSource source = source("topic=https://example.com/t")) {
      source.connect();
    }
    assertThat(ready()).isZero(); // exists now
    broker.publish("after", "x");
    assertThat(ready()).isEqualTo(1);
  }

  @Test
  void aDeletedQueueFailsThePollAndTheRunnerReconnects() throws Exception {
    broker.declare();
    run(source("topic=https://example.com/t"), 10);
    broker.publish("one", "1");
    await("stored", () -> log.ids().size() == 1);
    broker.channel.queueDelete(broker.queue);
    await("the failure is seen", () -> runner.stats().errors() >= 1);
    await("connected again (which declares the queue)", () -> runner.stats().state().equals("running"));
    broker.publish("two", "2"); // the runner declared the queue again
    await("stored after reconnecting", () -> log.ids().size() == 2);
  }

  @Test
  void theNameHidesThePassword() {
    SourceUri uri = SourceUri.parse("amqp://app:s3cret@127.0.0.1/orders?queue=q&topic=https://example.com/t");
    assertThat(new RabbitMqSourceFactory().create(uri).name()).isEqualTo(
        "amqp://app:***@127.0.0.1/orders?queue=q&topic=https://example.com/t");
  }

  /** Fails the first {@code failures} acknowledgements, as a hub that crashes after storing would. */
  private static final class FailingAck implements Source {
    private final Source source;
    private int failures;

    FailingAck(Source source, int failures) {
      this.source = source;
      this.failures = failures;
    }

    @Override
    public String name() {
      return source.name();
    }

    @Override
    public void connect() throws Exception {
      source.connect();
    }

    @Override
    public SourceBatch poll(Duration wait, int maxMessages) throws Exception {
      return source.poll(wait, maxMessages);
    }

    @Override
    public void acknowledge(SourceBatch batch) throws Exception {
      if (failures > 0) {
        failures--;
        throw new java.io.IOException("crash before the ack");
      }
      source.acknowledge(batch);
    }

    @Override
    public void close() {
      source.close();
    }
  }
}
