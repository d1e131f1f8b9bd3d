package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.log.Update;
import dev.herald.source.Source;
import dev.herald.source.SourceBatch;
import dev.herald.source.SourceStats;
import dev.herald.sse.SseEvent;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hub with sources (the connectors' own tests use real brokers): what they bring reaches
 * subscribers, and metrics, {@code /readyz} and the dashboard report them.
 */
class HubSourcesTest {
  private HubFixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** Messages offered by the test; a broken one fails every connect. */
  static final class QueueSource implements Source {
    final LinkedBlockingQueue<Update> queue = new LinkedBlockingQueue<>();
    volatile int acknowledged;
    volatile boolean closed;
    private final boolean broken;

    QueueSource(boolean broken) {
      this.broken = broken;
    }

    @Override
    public String name() {
      return broken ? "test://unreachable" : "test://queue";
    }

    @Override
    public void connect() throws Exception {
      if (broken) {
        throw new java.net.ConnectException("Connection refused");
      }
    }

    @Override
    public SourceBatch poll(Duration wait, int maxMessages) throws Exception {
      Update first = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (first == null) {
        return SourceBatch.EMPTY;
      }
      List<Update> batch = new ArrayList<>(List.of(first));
      queue.drainTo(batch, maxMessages - 1);
      return new SourceBatch(batch, List.of(), batch.size());
    }

    @Override
    public void acknowledge(SourceBatch batch) {
      acknowledged += (Integer) batch.position();
    }

    @Override
    public long lag() {
      return queue.size();
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static Update update(String id, String topic, String data) {
    return new Update(id, List.of(topic), data, false, null, null);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 15 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void aSourcesMessagesReachSubscribersWithTheirIds() throws Exception {
    QueueSource source = new QueueSource(false);
    fixture = new HubFixture(builder -> builder.anonymous(true).source(source));
    try (EventIterator events = fixture.subscribe("https://example.com/orders/{id}")) {
      source.queue.add(update("kafka-orders-0-0", "https://example.com/orders/1", "first"));
      source.queue.add(update("kafka-orders-0-1", "https://example.com/orders/2", "second"));
      SseEvent first = events.poll(Duration.ofSeconds(10));
      SseEvent second = events.poll(Duration.ofSeconds(10));
      assertThat(first.id()).isEqualTo("kafka-orders-0-0");
      assertThat(first.data()).isEqualTo("first");
      assertThat(second.id()).isEqualTo("kafka-orders-0-1");
    }
    await(() -> source.acknowledged == 2);
  }

  @Test
  void aRedeliveredMessageIsSkippedAndCountedAsADuplicate() throws Exception {
    QueueSource source = new QueueSource(false);
    fixture = new HubFixture(builder -> builder.anonymous(true).source(source));
    source.queue.add(update("outbox-1", "t", "x"));
    await(() -> source.acknowledged == 1);
    source.queue.add(update("outbox-1", "t", "x"));
    await(() -> source.acknowledged == 2);
    SourceStats stats = fixture.hub.sources().get(0);
    assertThat(stats.published()).isEqualTo(1);
    assertThat(stats.duplicates()).isEqualTo(1);
    String metrics = fixture.get(fixture.uri("/metrics")).body();
    assertThat(metrics).contains("herald_source_messages_total{outcome=\"published\",source=\"test://queue\"} 1.0");
    assertThat(metrics).contains("herald_source_messages_total{outcome=\"duplicate\",source=\"test://queue\"} 1.0");
    assertThat(metrics).contains("herald_source_up{source=\"test://queue\"} 1.0");
    assertThat(metrics).contains("herald_source_lag_messages{source=\"test://queue\"} 0.0");
  }

  @Test
  void readinessListsTheSourcesButDoesNotDependOnThem() throws Exception {
    fixture = new HubFixture(builder -> builder.anonymous(true).source(new QueueSource(true)));
    await(() -> fixture.hub.sources().get(0).errors() > 0);
    HttpResponse<String> ready = fixture.get(fixture.uri("/readyz"));
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"sources\":[{\"name\":\"test://unreachable\",\"ok\":false,\"state\":\"reconnecting\"")
        .contains("\"lastError\":\"ConnectException: Connection refused\"");
    assertThat(fixture.get(fixture.uri("/metrics")).body()).contains("herald_source_up{source=\"test://unreachable\"} 0.0");
  }

  @Test
  void theDashboardStatsCarryTheSources() throws Exception {
    QueueSource source = new QueueSource(false);
    fixture = new HubFixture(builder -> builder.anonymous(true).uiOpen(true).source(source));
    source.queue.add(update("m-1", "t", "x"));
    await(() -> source.acknowledged == 1);
    try (EventIterator stats = fixture.subscribe(EventSource.builder(fixture.uri(StatsStream.PATH)))) {
      SseEvent event = stats.poll(Duration.ofSeconds(10));
      assertThat(event.data()).contains("\"sources\":[{\"name\":\"test://queue\",\"state\":\"running\",\"consumed\":1,"
          + "\"published\":1,\"duplicates\":0,\"refused\":0,\"errors\":0,\"lag\":0,\"lastError\":null}]");
    }
  }

  @Test
  void closingTheHubClosesItsSources() throws Exception {
    QueueSource source = new QueueSource(false);
    fixture = new HubFixture(builder -> builder.anonymous(true).source(source));
    fixture.close();
    fixture = null;
    assertThat(source.closed).isTrue();
  }

  @Test
  void aHubThatCannotStartClosesTheSourcesItWasGiven() {
    QueueSource source = new QueueSource(false);
    Hub.Builder builder = Hub.builder().listen(new java.net.InetSocketAddress("127.0.0.1", 0)).source(source);
    org.assertj.core.api.Assertions.assertThatThrownBy(builder::start).isInstanceOf(IllegalStateException.class);
    assertThat(source.closed).isTrue();
  }
}
