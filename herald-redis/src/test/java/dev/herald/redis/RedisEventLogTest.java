package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.log.DuplicateIdException;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.LogStats;
import dev.herald.log.Replay;
import dev.herald.log.Update;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Redis log adds to the contract ({@link RedisEventLogContractTest}), on a real redis-server:
 * one or two "nodes" (logs) on one stream, trimming by count and age, stats.
 */
class RedisEventLogTest {
  private static RedisServer redis;
  private static int prefixes;
  private final List<RedisEventLog> logs = new ArrayList<>();
  private RedisLogSettings settings;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void closeLogs() {
    logs.forEach(RedisEventLog::close);
  }

  /** A node on a stream of this test's own (a fresh key prefix). */
  private RedisEventLog node(long maxEvents, Duration maxAge) {
    if (settings == null) {
      settings = RedisLogSettings.of(redis.uri(), maxEvents, maxAge).withKeyPrefix("test" + (++prefixes));
    }
    RedisEventLog log = RedisEventLog.open(settings, new IdGenerator());
    logs.add(log);
    return log;
  }

  private RedisEventLog node() {
    return node(0, Duration.ZERO);
  }

  private static Update update(String data) {
    return new Update(null, List.of("https://example.com/t"), data, false, null, null);
  }

  private static Update update(String id, String data) {
    return new Update(id, List.of("https://example.com/t"), data, false, null, null);
  }

  private static List<Entry> listen(EventLog log) {
    List<Entry> heard = new CopyOnWriteArrayList<>();
    log.onAppend(heard::addAll);
    return heard;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void everyNodeHearsEveryAppendInOrder() throws Exception {
    RedisEventLog a = node();
    RedisEventLog b = node();
    List<Entry> heardByA = listen(a);
    List<Entry> heardByB = listen(b);
    for (int i = 0; i < 50; i++) {
      (i % 2 == 0 ? a : b).append(List.of(update("u" + i)));
    }

    await(() -> heardByA.size() == 50 && heardByB.size() == 50, "both nodes to hear 50 updates");
    assertThat(heardByA).extracting(Entry::sequence).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
    assertThat(heardByB).isEqualTo(heardByA);
  }

  @Test
  void aRepeatedIdWithTheSameContentIsIdempotentOnAnyNode() throws Exception {
    RedisEventLog a = node();
    RedisEventLog b = node();
    List<Entry> heard = listen(a);
    Entry stored = a.append(List.of(update("order-1", "x"))).get(0);
    Entry repeated = b.append(List.of(update("order-1", "x"))).get(0);
    a.append(List.of(update("after")));

    await(() -> heard.size() == 2, "two entries");
    assertThat(repeated.sequence()).isEqualTo(stored.sequence());
    assertThat(heard).extracting(entry -> entry.update().data()).containsExactly("x", "after");
  }

  @Test
  void aRepeatedIdWithOtherContentFailsAndStoresNothingOfTheBatch() {
    RedisEventLog a = node();
    RedisEventLog b = node();
    a.append(List.of(update("order-1", "x")));

    assertThatThrownBy(() -> b.append(List.of(update("fine"), update("order-1", "other"))))
        .isInstanceOf(DuplicateIdException.class);
    assertThat(a.lastSequence()).isEqualTo(1);
  }

  @Test
  void theStreamIsBoundedByCount() {
    RedisEventLog log = node(100, Duration.ZERO);
    for (int i = 0; i < 20; i++) {
      List<Update> batch = new ArrayList<>();
      for (int j = 0; j < 50; j++) {
        batch.add(update("u" + (i * 50 + j)));
      }
      log.append(batch);
    }
    LogStats stats = log.stats();
    Replay trimmed = log.readAfter(log.readAfterSequence(0, 1).get(0).update().id(), 1);

    // Trimming is approximate (whole stream nodes), never below the bound.
    assertThat(stats.events()).isBetween(100L, 300L);
    assertThat(log.readAfter("u-never", 1).cursorFound()).isFalse();
    assertThat(trimmed.cursorFound()).isTrue();
    assertThat(log.lastSequence()).isEqualTo(1000);
  }

  @Test
  void aCursorTrimmedAwayIsNotFound() {
    RedisEventLog log = node(100, Duration.ZERO);
    String first = log.append(List.of(update("first"))).get(0).update().id();
    for (int i = 0; i < 10; i++) {
      List<Update> batch = new ArrayList<>();
      for (int j = 0; j < 100; j++) {
        batch.add(update("u"));
      }
      log.append(batch);
    }

    Replay replay = log.readAfter(first, 5);
    assertThat(replay.cursorFound()).isFalse();
    assertThat(replay.entries().get(0).sequence()).isGreaterThan(2);
  }

  @Test
  void oldUpdatesAreTrimmedByAge() throws Exception {
    RedisEventLog log = node(0, Duration.ofSeconds(2));
    String old = log.append(List.of(update("old"))).get(0).update().id();

    await(() -> log.stats().events() == 0, "the old update to go (the age pass runs every 5 s)");
    log.append(List.of(update("young")));
    assertThat(log.readAfter(EventLog.EARLIEST, 10).entries()).extracting(entry -> entry.update().data())
        .containsExactly("young");
    assertThat(log.readAfter(old, 10).cursorFound()).as("its id is forgotten with it").isFalse();
  }

  @Test
  void statsDescribeTheStream() {
    RedisEventLog log = node(1000, Duration.ofDays(1));
    List<Entry> entries = log.append(List.of(update("a"), update("b")));
    LogStats stats = log.stats();

    assertThat(stats.kind()).isEqualTo("redis");
    assertThat(stats.events()).isEqualTo(2);
    assertThat(stats.earliestId()).isEqualTo(entries.get(0).update().id());
    assertThat(stats.latestId()).isEqualTo(entries.get(1).update().id());
    assertThat(stats.earliestTime()).isNotNull();
    assertThat(stats.contentBytes()).isPositive();
    assertThat(stats.writable()).isTrue();
  }

  @Test
  void theLogRefusesToOpenWithoutRedis() throws Exception {
    RedisLogSettings nowhere = RedisLogSettings.of(java.net.URI.create("redis://127.0.0.1:1"), 0, Duration.ZERO);

    assertThatThrownBy(() -> RedisEventLog.open(nowhere, new IdGenerator()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("127.0.0.1:1");
  }
}
