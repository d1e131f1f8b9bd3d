package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.log.Entry;
import dev.herald.log.IdGenerator;
import dev.herald.log.Update;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stopping and coming back under two nodes: appends fail fast while it is away, nothing
 * acknowledged is lost, and each node's tail resumes exactly after what it had delivered.
 */
class RedisOutageTest {
  private RedisServer redis;
  private RedisEventLog a;
  private RedisEventLog b;

  @AfterEach
  void stop() throws Exception {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static Update update(String data) {
    return new Update(null, List.of("https://example.com/t"), data, false, null, null);
  }

  @Test
  void appendsFailFastWhileRedisIsAwayAndTailsResumeWithoutGapOrDuplicate() throws Exception {
    redis = RedisServer.start();
    RedisLogSettings settings = new RedisLogSettings(redis.uri(), "outage", 0, Duration.ZERO, Duration.ofSeconds(1));
    a = RedisEventLog.open(settings, new IdGenerator());
    b = RedisEventLog.open(settings, new IdGenerator());
    List<Entry> heard = new CopyOnWriteArrayList<>();
    b.onAppend(heard::addAll);
    for (int i = 0; i < 10; i++) {
      a.append(List.of(update("before " + i)));
    }
    await(() -> heard.size() == 10);

    redis.stop();
    CompletableFuture<List<Entry>> during = a.appendAsync(List.of(update("during")));
    assertThat(during).failsWithin(Duration.ofSeconds(10));
    await(() -> !a.stats().writable());

    redis.restart();
    awaitAppendWorks(a);
    for (int i = 0; i < 9; i++) {
      a.append(List.of(update("after " + i)));
    }

    await(() -> heard.size() == 20);
    assertThat(heard).extracting(Entry::sequence)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
    assertThat(heard).extracting(entry -> entry.update().data()).doesNotContain("during");
    await(() -> a.stats().writable() && b.stats().writable());
  }

  /** The first append after the restart may meet a connection still reconnecting: retry briefly. */
  private static void awaitAppendWorks(RedisEventLog log) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        log.append(List.of(update("after restart")));
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("appends still fail 20 s after Redis came back", notYet);
        }
        Thread.sleep(100);
      }
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
