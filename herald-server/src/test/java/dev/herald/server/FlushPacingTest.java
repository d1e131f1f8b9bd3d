package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When a loop flushes ({@link FlushPacer} in a {@link LoopShard}): one subscriber in an
 * {@link io.netty.channel.embedded.EmbeddedChannel} whose clock moves only by hand, and whose
 * socket can make each flush cost time on it, as a pass of many socket writes does. Counts writes
 * and flushes, never wall-clock time.
 */
@ExtendWith(LeakRecorder.class)
class FlushPacingTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private EmbeddedConnection client;
  private FanOut<String> fanOut;
  private long sequence;

  @AfterEach
  void finish() {
    client.finish();
  }

  /** A subscriber of everything, its opening comment read and forgotten. */
  private void start(HttpServer.Builder builder) {
    ServerConfig config = EmbeddedConnection.config(builder);
    client = new EmbeddedConnection(config, exchange -> fanOut.subscribe(exchange, new Subscription<>(event -> true)));
    fanOut = new FanOut<>(List.of(client.channel.eventLoop()), config, null);
    client.get("/events").read();
    client.socket.journal.clear();
  }

  /** Publishes one event in a loop tick of its own and runs the loop's tasks (not its timers). */
  private void publishInATickOfItsOwn(String data) {
    long next = ++sequence;
    client.channel.eventLoop().execute(() -> fanOut.publish(data, next,
        ("id: " + next + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8)));
    client.channel.runPendingTasks();
  }

  /** Moves the loop's clock and runs the timers that came due, then the tasks they queued. */
  private void advance(long nanos) {
    client.channel.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
    client.channel.runScheduledPendingTasks();
    client.channel.runPendingTasks();
  }

  private int flushes() {
    return Collections.frequency(client.socket.journal, "flush");
  }

  @Test
  void byDefaultAQuietLoopFlushesInTheTickItWrote() {
    start(HttpServer.builder());
    publishInATickOfItsOwn("1");
    assertThat(client.socket.journal).containsExactly("write", "flush");
    assertThat(client.data()).containsExactly("1");
  }

  @Test
  void byDefaultWhatIsWrittenWhileALongPassWouldStillBeRunningWaitsForOneFlush() {
    start(HttpServer.builder());
    client.socket.flushNanos = 6 * MS; // a pass of ~1,000 socket writes
    publishInATickOfItsOwn("1");
    publishInATickOfItsOwn("2");
    publishInATickOfItsOwn("3");
    assertThat(client.socket.journal).as("2 and 3 wait: the pass for 1 took 6 ms")
        .containsExactly("write", "flush", "write", "write");
    advance(6 * MS - 1);
    assertThat(flushes()).isEqualTo(1);
    advance(1);
    assertThat(client.socket.journal).containsExactly("write", "flush", "write", "write", "flush");
    assertThat(client.data()).containsExactly("1", "2", "3");
  }

  @Test
  void byDefaultABacklogGoesOutInFewerFlushesThanUpdates() {
    start(HttpServer.builder());
    client.socket.flushNanos = 5 * MS;
    for (int i = 1; i <= 10; i++) {
      publishInATickOfItsOwn(String.valueOf(i)); // one update a millisecond, a 5 ms pass each flush
      advance(MS);
    }
    // 1 at once (the pass ends at 5 ms); 2–5 at 10 ms (ends at 15); 6–10 at 20
    assertThat(flushes()).isEqualTo(3);
    assertThat(Collections.frequency(client.socket.journal, "write")).isEqualTo(10);
    assertThat(client.data()).hasSize(10);
  }

  @Test
  void byDefaultAPassTooShortToBeWorthATimerDelaysNothing() {
    start(HttpServer.builder());
    client.socket.flushNanos = FlushPacer.MIN_WAIT_NANOS - 1; // a pass of a few socket writes
    publishInATickOfItsOwn("1");
    publishInATickOfItsOwn("2");
    assertThat(client.socket.journal).containsExactly("write", "flush", "write", "flush");
  }

  @Test
  void byDefaultTheWaitAfterAPassSlowedByAPauseIsBounded() {
    start(HttpServer.builder());
    client.socket.flushNanos = TimeUnit.SECONDS.toNanos(1); // a GC pause in the middle of the pass
    publishInATickOfItsOwn("1");
    client.socket.flushNanos = 0;
    publishInATickOfItsOwn("2");
    advance(FlushPacer.MAX_WAIT_NANOS);
    assertThat(client.socket.journal).containsExactly("write", "flush", "write", "flush");
  }

  @Test
  void aCostlySubscriptionIsOfferedAnEventOnlyAfterTheDeferredFlushOfTheCheapOnes() {
    ServerConfig config = EmbeddedConnection.config(HttpServer.builder());
    java.util.List<String> offered = new java.util.ArrayList<>();
    client = new EmbeddedConnection(config, exchange -> {
      SseStream stream = fanOut.subscribe(exchange, new Subscription<>(event -> true));
      fanOut.add(new Subscription<String>(stream, event -> offered.add(event)).costly());
    });
    fanOut = new FanOut<>(List.of(client.channel.eventLoop()), config, null);
    client.get("/events").read();
    client.socket.journal.clear();
    client.socket.flushNanos = 6 * MS;
    publishInATickOfItsOwn("1");
    client.socket.flushNanos = 0;
    publishInATickOfItsOwn("2"); // the cheap write waits for the pass of 1 to be 6 ms behind
    assertThat(offered).containsExactly("1");
    advance(6 * MS);
    assertThat(offered).containsExactly("1", "2");
    client.read();
    assertThat(client.data()).containsExactly("1", "1", "2", "2");
  }

  @Test
  void aFixedIntervalSpacesFlushesHoweverCheapThePass() {
    start(HttpServer.builder().flushInterval(Duration.ofMillis(10)));
    publishInATickOfItsOwn("1");
    publishInATickOfItsOwn("2");
    advance(10 * MS - 1);
    assertThat(client.socket.journal).containsExactly("write", "flush", "write");
    advance(1);
    assertThat(client.socket.journal).containsExactly("write", "flush", "write", "flush");
  }

  @Test
  void aFixedIntervalCountsFromTheStartOfThePassNotItsEnd() {
    start(HttpServer.builder().flushInterval(Duration.ofMillis(10)));
    client.socket.flushNanos = 6 * MS;
    publishInATickOfItsOwn("1");
    publishInATickOfItsOwn("2");
    advance(4 * MS); // 10 ms after the first pass started
    assertThat(client.socket.journal).containsExactly("write", "flush", "write", "flush");
  }

  @Test
  void aZeroIntervalFlushesEveryTickHoweverLongThePass() {
    start(HttpServer.builder().flushInterval(Duration.ZERO));
    client.socket.flushNanos = 50 * MS;
    publishInATickOfItsOwn("1");
    publishInATickOfItsOwn("2");
    assertThat(client.socket.journal).containsExactly("write", "flush", "write", "flush");
  }

  @Test
  void adaptiveFlushUndoesAFixedInterval() {
    start(HttpServer.builder().flushInterval(Duration.ofMinutes(1)).adaptiveFlush());
    publishInATickOfItsOwn("1");
    publishInATickOfItsOwn("2");
    assertThat(client.socket.journal).containsExactly("write", "flush", "write", "flush");
  }
}
