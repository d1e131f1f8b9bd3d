package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fan-out's hot path ({@link FanOut}, {@link LoopShard}, {@link SseStream}) in
 * {@link io.netty.channel.embedded.EmbeddedChannel}s: one write per event and subscriber, one flush
 * per loop tick, keys, slow consumers, failing filters, heartbeats; every buffer released.
 */
@ExtendWith(LeakRecorder.class)
class LoopShardTest {
  private final List<EmbeddedConnection> connections = new ArrayList<>();
  private ServerConfig config;
  private FanOut<Event> fanOut;
  private long sequence;

  record Event(String topic, String data) {}

  @AfterEach
  void finish() {
    connections.forEach(EmbeddedConnection::finish);
  }

  /** Connections subscribed live, each with the subscription its supplier makes. */
  @SafeVarargs
  private void start(HttpServer.Builder builder, Function<? super Event, ? extends java.util.Collection<String>> keysOf,
      Supplier<Subscription<Event>>... subscriptions) {
    config = EmbeddedConnection.config(builder);
    List<io.netty.util.concurrent.EventExecutor> loops = new ArrayList<>();
    for (Supplier<Subscription<Event>> subscription : subscriptions) {
      EmbeddedConnection connection = new EmbeddedConnection(config,
          exchange -> fanOut.subscribe(exchange, subscription.get()));
      connections.add(connection);
      loops.add(connection.channel.eventLoop());
    }
    fanOut = new FanOut<>(loops, config, keysOf);
    connections.forEach(connection -> connection.get("/events"));
  }

  private static Supplier<Subscription<Event>> topic(String topic) {
    return () -> new Subscription<>(event -> event.topic().equals(topic));
  }

  /** Publishes without running the loops: several publishes then share one tick. */
  private void publish(String topic, String data) {
    long next = ++sequence;
    fanOut.publish(new Event(topic, data), next,
        ("id: " + next + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Runs {@code publishes} as one task of the connection's loop: what a loop tick delivers together. */
  private static void inOneTick(EmbeddedConnection connection, Runnable publishes) {
    connection.channel.eventLoop().execute(publishes);
    connection.channel.runPendingTasks();
  }

  /** The comment lines received (the opening one and heartbeats). */
  private static long comments(String received) {
    return java.util.regex.Pattern.compile("^:.*$", java.util.regex.Pattern.MULTILINE).matcher(received)
        .results().count();
  }

  private EmbeddedConnection connection(int index) {
    return connections.get(index);
  }

  @Test
  void eachSubscriptionGetsTheEventsItsFilterAccepts() {
    start(HttpServer.builder(), null, topic("a"), topic("b"));
    publish("a", "for a");
    publish("b", "for b");
    assertThat(connection(0).data()).containsExactly("for a");
    assertThat(connection(1).data()).containsExactly("for b");
  }

  @Test
  void eventsOfOneTickGoOutInOneFlush() {
    start(HttpServer.builder(), null, topic("a"));
    connection(0).read();
    connection(0).socket.journal.clear();
    inOneTick(connection(0), () -> {
      publish("a", "1");
      publish("a", "2");
      publish("a", "3");
    });
    assertThat(connection(0).data()).containsExactly("1", "2", "3");
    assertThat(connection(0).socket.journal).containsExactly("write", "write", "write", "flush");
  }

  @Test
  void anIndexedSubscriptionIsOfferedOnlyEventsCarryingOneOfItsKeysAndEachOnce() {
    AtomicInteger offered = new AtomicInteger();
    start(HttpServer.builder(), event -> List.of(event.topic(), "also:" + event.topic()),
        () -> new Subscription<Event>(event -> {
          offered.incrementAndGet();
          return true;
        }).indexedBy(List.of("a", "also:a")));
    publish("a", "1");
    publish("b", "2");
    assertThat(connection(0).data()).containsExactly("1");
    assertThat(offered).as("not offered b; offered a once though it carries two of its keys").hasValue(1);
  }

  @Test
  void aCostlySubscriptionGetsTheEventAfterTheCheapOnesOfItsLoopWereFlushed() {
    config = EmbeddedConnection.config(HttpServer.builder());
    EmbeddedConnection client = new EmbeddedConnection(config, exchange -> {
      SseStream stream = fanOut.subscribe(exchange, new Subscription<>(event -> true));
      fanOut.add(new Subscription<Event>(stream, event -> true).costly()); // a second interest, same stream
    });
    connections.add(client);
    fanOut = new FanOut<>(List.of(client.channel.eventLoop()), config, null);
    client.get("/events").read();
    client.socket.journal.clear();
    inOneTick(client, () -> publish("a", "1"));
    assertThat(client.data()).containsExactly("1", "1");
    assertThat(client.socket.journal).containsExactly("write", "flush", "write", "flush");
  }

  @Test
  void aStreamPastItsHighWaterMarkIsClosedAsASlowConsumerAndTheOthersStillGetTheEvent() {
    start(HttpServer.builder(), null, topic("a"), topic("a"));
    connection(0).read();
    connection(0).channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false); // its socket is full
    publish("a", "1");
    assertThat(connection(1).data()).containsExactly("1");
    connection(0).read();
    assertThat(connection(0).channel.isActive()).isFalse();
    assertThat(config.slowConsumersClosed.get()).isEqualTo(1);
  }

  @Test
  void aFilterThatThrowsClosesItsOwnSubscriptionAndIsCountedWhileTheOthersGetTheEvent() {
    start(HttpServer.builder(), null, () -> new Subscription<>(event -> {
      throw new IllegalStateException("a broken matcher");
    }), topic("a"));
    publish("a", "1");
    assertThat(connection(1).data()).containsExactly("1");
    connection(0).read();
    assertThat(connection(0).channel.isActive()).isFalse();
    assertThat(config.subscriptionsFailed.get()).isEqualTo(1);
    publish("a", "2");
    assertThat(connection(1).data()).containsExactly("1", "2");
  }

  @Test
  void aQuietStreamGetsAHeartbeatAndABusyOneDoesNot() {
    start(HttpServer.builder().heartbeat(Duration.ofSeconds(4)), null, topic("quiet"), topic("busy"));
    connection(0).read();
    connection(1).read();
    for (int second = 1; second <= 5; second++) {
      publish("busy", "tick " + second);
      for (EmbeddedConnection connection : connections) {
        connection.channel.runPendingTasks();
        connection.channel.advanceTimeBy(1, TimeUnit.SECONDS);
        connection.channel.runScheduledPendingTasks();
      }
    }
    assertThat(comments(connection(0).read())).as("the opening comment and one heartbeat").isEqualTo(2);
    assertThat(comments(connection(1).read())).as("the opening comment only").isEqualTo(1);
    assertThat(connection(1).data()).hasSize(5);
    assertThat(config.heartbeats.sum()).isEqualTo(1);
  }

  @Test
  void aSubscriptionGoneWithItsConnectionIsOfferedNothingMore() {
    AtomicInteger offered = new AtomicInteger();
    start(HttpServer.builder(), null, () -> new Subscription<>(event -> {
      offered.incrementAndGet();
      return true;
    }));
    publish("a", "1");
    connection(0).read();
    connection(0).channel.close();
    connection(0).channel.runPendingTasks();
    publish("a", "2");
    connection(0).channel.runPendingTasks();
    assertThat(offered).hasValue(1);
    assertThat(fanOut.size()).isZero();
  }
}
