package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.log.Entry;
import dev.herald.log.IdGenerator;
import dev.herald.log.LogLoss;
import dev.herald.log.Update;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis losing the log under two nodes (flushed, restarted without its data, or gone back in
 * sequence as after a failover to a replica that lacked the last writes): every node notices, says
 * what was lost, and every update stored after that reaches every node.
 */
class RedisLossTest {
  private RedisServer redis;
  private final List<RedisEventLog> nodes = new ArrayList<>();
  private final List<List<String>> received = new ArrayList<>();
  private final List<BlockingQueue<LogLoss>> losses = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = RedisServer.start();
    RedisLogSettings settings = new RedisLogSettings(redis.uri(), "loss", 0, Duration.ZERO, Duration.ofSeconds(1));
    for (int i = 0; i < 2; i++) {
      RedisEventLog node = RedisEventLog.open(settings, new IdGenerator());
      List<String> data = new CopyOnWriteArrayList<>();
      BlockingQueue<LogLoss> lost = new LinkedBlockingQueue<>();
      node.onAppend(entries -> entries.forEach(entry -> data.add(entry.update().data())));
      node.onLoss(lost::add);
      nodes.add(node);
      received.add(data);
      losses.add(lost);
    }
  }

  @AfterEach
  void stop() throws Exception {
    nodes.forEach(RedisEventLog::close);
    redis.close();
  }

  private static Update update(String data) {
    return new Update(null, List.of("https://example.com/t"), data, false, null, null);
  }

  private List<Entry> append(int node, String... data) {
    List<Update> updates = new ArrayList<>();
    for (String each : data) {
      updates.add(update(each));
    }
    return nodes.get(node).append(updates);
  }

  /** Waits (bounded) until every node received {@code data}. */
  private void awaitEveryNodeReceived(String... data) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (List<String> node : received) {
      while (!node.containsAll(List.of(data))) {
        assertThat(System.nanoTime()).as("every node received %s; got %s", List.of(data), node).isLessThan(deadline);
        Thread.sleep(10);
      }
    }
  }

  private List<LogLoss> awaitEveryNodeNoticed() throws InterruptedException {
    List<LogLoss> noticed = new ArrayList<>();
    for (BlockingQueue<LogLoss> node : losses) {
      LogLoss loss = node.poll(20, TimeUnit.SECONDS);
      assertThat(loss).as("the node noticed the loss").isNotNull();
      noticed.add(loss);
    }
    return noticed;
  }

  /** Runs commands on Redis itself, as an operator (or a failover) would. */
  private void onRedis(java.util.function.Consumer<io.lettuce.core.api.sync.RedisCommands<String, String>> commands) {
    RedisClient client = RedisClient.create(redis.uri().toString());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      commands.accept(connection.sync());
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aFlushedLogIsNoticedByEveryNodeAndWhatIsStoredAfterReachesEveryNode() throws Exception {
    append(0, "1", "2", "3", "4", "5");
    awaitEveryNodeReceived("1", "2", "3", "4", "5");
    onRedis(commands -> commands.flushall());
    List<LogLoss> noticed = awaitEveryNodeNoticed();
    assertThat(noticed).allSatisfy(loss -> {
      assertThat(loss.lastKnown()).isEqualTo(5);
      assertThat(loss.resumedAfter()).isZero();
      assertThat(loss.cause()).contains("lost the log");
    });
    append(1, "after 1", "after 2");
    awaitEveryNodeReceived("after 1", "after 2");
  }

  @Test
  void aRestartWithoutDataIsNoticedEvenWhenTheNewLogAlreadyGrewPastTheOldOne() throws Exception {
    append(0, "old 1", "old 2");
    awaitEveryNodeReceived("old 1", "old 2");
    redis.restartWithoutData();
    // Publishes reach the new log before the nodes look: its sequence passes the 2 they delivered.
    List<Entry> early = List.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (early.isEmpty()) {
      try {
        early = append(1, "new 1", "new 2", "new 3", "new 4");
      } catch (IllegalStateException reconnecting) {
        assertThat(System.nanoTime()).as("appends work again after the restart").isLessThan(deadline);
        Thread.sleep(20);
      }
    }
    awaitEveryNodeNoticed();
    append(0, "after");
    awaitEveryNodeReceived("after");
    assertThat(nodes.get(0).stats().problem()).contains("lost the log");
  }

  @Test
  void aSequenceThatWentBackIsALossOfTheUpdatesAfterIt() throws Exception {
    append(0, "1", "2", "3", "4", "5");
    awaitEveryNodeReceived("1", "2", "3", "4", "5");
    // what a replica that had only the first two would hold after a failover
    onRedis(commands -> { // the stream rebuilt with its first two entries only, the counter at 2
      List<io.lettuce.core.StreamMessage<String, String>> kept = commands.xrange("{loss}:stream",
          io.lettuce.core.Range.create("-", "2-0"));
      commands.del("{loss}:stream");
      for (io.lettuce.core.StreamMessage<String, String> message : kept) {
        commands.xadd("{loss}:stream", new io.lettuce.core.XAddArgs().id(message.getId()), message.getBody());
      }
      commands.set("{loss}:seq", "2");
    });
    List<LogLoss> noticed = awaitEveryNodeNoticed();
    assertThat(noticed).allSatisfy(loss -> {
      assertThat(loss.lastKnown()).isEqualTo(5);
      assertThat(loss.resumedAfter()).isEqualTo(2);
      assertThat(loss.cause()).contains("went back from sequence 5 to 2", "updates 3 to 5 are gone");
    });
    append(1, "after");
    awaitEveryNodeReceived("after");
  }

  @Test
  void aLogThatKeptItsDataIsNoLoss() throws Exception {
    append(0, "1");
    awaitEveryNodeReceived("1");
    redis.restart(); // with its append-only file
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        append(1, "2");
        break;
      } catch (IllegalStateException reconnecting) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
    }
    awaitEveryNodeReceived("2");
    assertThat(losses).allSatisfy(node -> assertThat(node).isEmpty());
  }
}
