package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replay-to-live handoff ({@link ReplayJoin} through {@link FanOut#subscribe(HttpExchange,
 * Subscription, History, Executor)}) in {@link EmbeddedChannel}s: history first, held live events
 * after it, nothing lost or twice; pages bounded, read one at a time, within the replay budget;
 * stalled and failing replays ended; every buffer released.
 */
@ExtendWith(LeakRecorder.class)
class ReplayJoinTest {
  private final List<EmbeddedConnection> connections = new ArrayList<>();
  private final Readers readers = new Readers();
  private ServerConfig config;
  private FanOut<String> fanOut;

  @AfterEach
  void finish() {
    connections.forEach(EmbeddedConnection::finish);
  }

  /** Reader threads played by the test: reads run when the test says so. */
  private static final class Readers implements Executor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }

    int queued() {
      return tasks.size();
    }
  }

  /** A history made of pages given in advance; records what it was asked. */
  private static final class ScriptedHistory implements History {
    final ArrayDeque<Page> pages = new ArrayDeque<>();
    final List<Integer> askedBytes = new ArrayList<>();
    final List<Long> askedAfter = new ArrayList<>();
    List<String> headers = List.of();
    List<byte[]> prelude = List.of();
    RuntimeException startFailure;
    RuntimeException pageFailure;

    ScriptedHistory page(long reached, boolean more, long... sequences) {
      List<byte[]> events = new ArrayList<>();
      for (long sequence : sequences) {
        events.add(event(sequence, "past " + sequence));
      }
      pages.add(new Page(events, reached, more));
      return this;
    }

    ScriptedHistory page(Page page) {
      pages.add(page);
      return this;
    }

    @Override
    public Start start(int maxBytes) {
      askedBytes.add(maxBytes);
      if (startFailure != null) {
        throw startFailure;
      }
      return new Start(headers, prelude, pages.poll());
    }

    @Override
    public Page pageAfter(long sequence, int maxBytes) {
      askedBytes.add(maxBytes);
      askedAfter.add(sequence);
      if (pageFailure != null) {
        throw pageFailure;
      }
      return pages.poll();
    }
  }

  private static byte[] event(long sequence, String data) {
    return ("id: " + sequence + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  /** {@code count} connections on one fan-out, each subscribing with its history when asked. */
  private void start(HttpServer.Builder builder, int count) {
    config = EmbeddedConnection.config(builder);
    List<io.netty.util.concurrent.EventExecutor> loops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      EmbeddedConnection connection = new EmbeddedConnection(config, exchange -> subscribe(exchange));
      connections.add(connection);
      loops.add(connection.channel.eventLoop());
    }
    fanOut = new FanOut<>(loops, config, null);
  }

  private final ArrayDeque<ScriptedHistory> histories = new ArrayDeque<>();

  private void subscribe(HttpExchange exchange) {
    fanOut.subscribe(exchange, new Subscription<>(topic -> topic.equals("t")), histories.poll(), readers);
  }

  private EmbeddedConnection connect(int index, ScriptedHistory history) {
    histories.add(history);
    return connections.get(index).get("/events");
  }

  private void publish(long sequence) {
    fanOut.publish("t", sequence, event(sequence, "live " + sequence));
    connections.forEach(connection -> connection.channel.runPendingTasks());
  }

  @Test
  void historyComesFirstThenTheHeldEventsNewerThanItThenLiveEvents() {
    start(HttpServer.builder(), 1);
    EmbeddedConnection client = connect(0, new ScriptedHistory().page(2, true, 1, 2).page(3, false, 3));
    publish(3); // published while history is read: held, and already in the history
    publish(4);
    publish(5);
    readers.runAll();
    readers.runAll();
    assertThat(client.ids()).containsExactly("1", "2", "3", "4", "5");
    publish(6);
    assertThat(client.ids()).containsExactly("1", "2", "3", "4", "5", "6");
    assertThat(client.data()).containsExactly("past 1", "past 2", "past 3", "live 4", "live 5", "live 6");
  }

  @Test
  void theNextPageIsReadOnlyOnceTheLastOneReachedTheSocket() {
    start(HttpServer.builder(), 1);
    EmbeddedConnection client = connect(0, new ScriptedHistory().page(1, true, 1).page(2, false, 2));
    client.socket.shut();
    readers.runAll();
    assertThat(readers.queued()).as("no read while the first page waits for the socket").isZero();
    client.socket.open();
    client.read();
    assertThat(readers.queued()).isEqualTo(1);
    readers.runAll();
    assertThat(client.ids()).containsExactly("1", "2");
  }

  @Test
  void pagesAreAskedForTheConfiguredSizeAfterWhereTheLastEnded() {
    start(HttpServer.builder().replayPageSize(4096), 1);
    ScriptedHistory history = new ScriptedHistory().page(7, true, 5, 7).page(9, false, 9);
    connect(0, history);
    readers.runAll();
    readers.runAll();
    assertThat(history.askedBytes).containsExactly(4096, 4096);
    assertThat(history.askedAfter).containsExactly(7L);
  }

  @Test
  void pastTheBudgetAReplayWaitsItsTurnAndStartsWhenBytesComeBack() {
    start(HttpServer.builder().replayBudget(1), 2);
    EmbeddedConnection first = connect(0, new ScriptedHistory().page(1, false, 1));
    first.socket.shut();
    readers.runAll();
    ScriptedHistory waiting = new ScriptedHistory().page(1, false, 1);
    EmbeddedConnection second = connect(1, waiting);
    readers.runAll();
    assertThat(waiting.askedBytes).as("not read while the first page holds the budget").isEmpty();
    assertThat(config.replayBudget.waiting()).isEqualTo(1);
    first.socket.open();
    first.read();
    readers.runAll();
    assertThat(second.ids()).containsExactly("1");
    assertThat(first.ids()).containsExactly("1");
    assertThat(config.replayBudget.inFlight()).isZero();
  }

  @Test
  void aReplayWhoseClientTakesNothingForTheStallTimeoutIsClosedAndReturnsItsBytes() {
    start(HttpServer.builder().replayStallTimeout(Duration.ofSeconds(10)), 1);
    EmbeddedConnection client = connect(0, new ScriptedHistory().page(1, true, 1).page(2, false, 2));
    client.socket.shut();
    readers.runAll();
    assertThat(config.replayBudget.inFlight()).isPositive();
    client.channel.advanceTimeBy(11, TimeUnit.SECONDS);
    client.channel.runScheduledPendingTasks();
    client.read();
    assertThat(client.channel.isActive()).isFalse();
    assertThat(config.replaysStalled.sum()).isEqualTo(1);
    assertThat(config.slowConsumersClosed.get()).isEqualTo(1);
    assertThat(config.replayBudget.inFlight()).isZero();
  }

  @Test
  void aReplayThatMakesProgressSlowlyIsNotClosed() {
    start(HttpServer.builder().replayStallTimeout(Duration.ofSeconds(10)), 1);
    String big = "x".repeat(ReplayJoin.CHUNK_BYTES);
    History.Page page = new History.Page(List.of(event(2, big), event(3, big), event(4, big)), 4, false);
    EmbeddedConnection client = connect(0, new ScriptedHistory().page(1, true, 1).page(page));
    readers.runAll();
    client.socket.shut(); // the second page's three chunks wait for the client
    readers.runAll();
    for (int i = 0; i < 2; i++) { // a chunk every 10 s: never a whole timeout without progress
      client.channel.advanceTimeBy(10, TimeUnit.SECONDS);
      client.socket.takeOne();
      client.channel.runScheduledPendingTasks();
    }
    assertThat(client.channel.isActive()).isTrue();
    client.socket.open();
    assertThat(client.ids()).containsExactly("1", "2", "3", "4");
    assertThat(config.replaysStalled.sum()).isZero();
  }

  @Test
  void eventsHeldPastTheHighWaterMarkCloseTheSubscriptionWhenItWouldGoLive() {
    start(HttpServer.builder().writeBufferHighWaterMark(1024), 1);
    EmbeddedConnection client = connect(0, new ScriptedHistory().page(1, false, 1));
    for (long sequence = 2; sequence <= 4; sequence++) {
      fanOut.publish("t", sequence, event(sequence, "y".repeat(500)));
    }
    client.channel.runPendingTasks();
    readers.runAll();
    assertThat(client.ids()).as("the history still went out: the client resumes after it").containsExactly("1");
    assertThat(client.channel.isActive()).isFalse();
    assertThat(config.slowConsumersClosed.get()).isEqualTo(1);
  }

  @Test
  void aFirstReadThatFailsIsAnsweredByTheHistoryAndReturnsItsBytes() {
    start(HttpServer.builder(), 1);
    ScriptedHistory history = new ScriptedHistory();
    history.startFailure = new IllegalStateException("disk on fire");
    EmbeddedConnection client = connect(0, history);
    readers.runAll();
    assertThat(client.read()).startsWith("HTTP/1.1 503 ").containsIgnoringCase("retry-after: 1");
    assertThat(config.replayBudget.inFlight()).isZero();
  }

  @Test
  void aLaterPageThatFailsEndsTheStreamCleanlySoThatTheClientResumes() {
    start(HttpServer.builder(), 1);
    ScriptedHistory history = new ScriptedHistory().page(1, true, 1);
    history.pageFailure = new IllegalStateException("disk on fire");
    EmbeddedConnection client = connect(0, history);
    readers.runAll();
    readers.runAll();
    assertThat(client.read()).endsWith("0\r\n\r\n");
    assertThat(client.ids()).containsExactly("1");
    assertThat(config.replayBudget.inFlight()).isZero();
  }

  @Test
  void aClientLeavingMidReplayReturnsItsBytesAndIsNeverReadForAgain() {
    start(HttpServer.builder(), 1);
    ScriptedHistory history = new ScriptedHistory().page(1, true, 1).page(2, false, 2);
    EmbeddedConnection client = connect(0, history);
    client.socket.shut();
    readers.runAll();
    client.channel.close();
    client.channel.runPendingTasks();
    readers.runAll();
    assertThat(history.askedAfter).isEmpty();
    assertThat(config.replayBudget.inFlight()).isZero();
  }

  @Test
  void anEventLargerThanAPageIsSentAloneAndItsBytesComeBack() {
    start(HttpServer.builder().replayPageSize(1024).replayBudget(2048), 1);
    String large = "z".repeat(10_000);
    EmbeddedConnection client = connect(0, new ScriptedHistory().page(
        new History.Page(List.of(event(1, large)), 1, false)));
    client.socket.shut();
    readers.runAll();
    assertThat(config.replayBudget.inFlight()).isGreaterThan(10_000);
    client.socket.open();
    assertThat(client.data()).containsExactly(large);
    assertThat(config.replayBudget.inFlight()).isZero();
  }

  @Test
  void theStartsHeadersAndPreludeComeBeforeTheHistory() {
    start(HttpServer.builder(), 1);
    ScriptedHistory history = new ScriptedHistory().page(1, false, 1);
    history.headers = List.of("Last-Event-ID", "earliest");
    history.prelude = List.of("event: notice\ndata: history starts later\n\n".getBytes(StandardCharsets.UTF_8));
    EmbeddedConnection client = connect(0, history);
    readers.runAll();
    String received = client.read();
    assertThat(received).containsIgnoringCase("last-event-id: earliest");
    assertThat(received.indexOf("data: history starts later")).isLessThan(received.indexOf("data: past 1"));
  }

  @Test
  void aLiveOnlySubscriptionGetsEventsFromNowOn() {
    config = EmbeddedConnection.config(HttpServer.builder());
    EmbeddedConnection client = new EmbeddedConnection(config,
        exchange -> fanOut.subscribe(exchange, new Subscription<>(topic -> topic.equals("t")), "Cache-Control", "no-cache"));
    connections.add(client);
    fanOut = new FanOut<>(List.of(client.channel.eventLoop()), config, null);
    client.get("/events");
    publish(1);
    fanOut.publish("other", 2, event(2, "elsewhere"));
    publish(3);
    assertThat(client.ids()).containsExactly("1", "3");
    assertThat(client.read()).containsIgnoringCase("cache-control: no-cache");
  }

  @Test
  void replayBoundsThatCannotWorkAreRefusedWhenConfigured() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> HttpServer.builder().replayPageSize(1023)).withMessageContaining("replayPageSize");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> HttpServer.builder().replayBudget(0)).withMessageContaining("replayBudget");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> HttpServer.builder().replayStallTimeout(Duration.ofSeconds(-1)))
        .withMessageContaining("replayStallTimeout");
    HttpServer.builder().replayPageSize(1024).replayBudget(1).replayStallTimeout(Duration.ZERO); // the edges
  }
}
