package dev.herald.hub.log;
import dev.herald.log.Retention;
import dev.herald.log.IdGenerator;
import dev.herald.log.Replay;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.log.Update;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory tail in front of a durable log. */
class RecentCacheTest {
  @TempDir
  Path dir;

  /** A store that counts its reads. */
  private static final class CountingStore extends ForwardingEventLog {
    final AtomicInteger reads = new AtomicInteger();

    CountingStore(EventLog log) {
      super(log);
    }

    @Override
    public Replay readAfter(String lastEventId, int limit, long maxBytes) {
      reads.incrementAndGet();
      return log.readAfter(lastEventId, limit, maxBytes);
    }

    @Override
    public List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
      reads.incrementAndGet();
      return log.readAfterSequence(sequence, limit, maxBytes);
    }
  }

  private static Update update(String id) {
    return new Update(id, List.of("t"), "d" + id, false, null, null);
  }

  private SqliteEventLog sqlite() {
    return SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
        new Retention(0, 0, Duration.ZERO), new IdGenerator());
  }

  @Test
  void recentCursorIsServedWithoutTouchingTheStore() {
    CountingStore store = new CountingStore(sqlite());
    try (RecentCache cache = new RecentCache(store, 100)) {
      for (int i = 1; i <= 10; i++) {
        cache.append(List.of(update("id" + i)));
      }
      int readsBefore = store.reads.get();
      Replay replay = cache.readAfter("id7", 100);
      assertThat(replay.cursorFound()).isTrue();
      assertThat(replay.entries()).extracting(e -> e.update().id()).containsExactly("id8", "id9", "id10");
      assertThat(replay.upToSequence()).isEqualTo(10);
      assertThat(store.reads.get()).isEqualTo(readsBefore);
    }
  }

  @Test
  void cursorOlderThanTheCacheGoesToTheStore() {
    CountingStore store = new CountingStore(sqlite());
    try (RecentCache cache = new RecentCache(store, 5)) {
      for (int i = 1; i <= 20; i++) {
        cache.append(List.of(update("id" + i)));
      }
      int readsBefore = store.reads.get();
      assertThat(cache.readAfter("id3", 100).entries()).hasSize(17);
      assertThat(store.reads.get()).isEqualTo(readsBefore + 1);
    }
  }

  @Test
  void cacheAndStoreGiveTheSameAnswers() {
    SqliteEventLog store = sqlite();
    try (RecentCache cache = new RecentCache(store, 50)) {
      List<String> ids = new ArrayList<>();
      for (int i = 1; i <= 120; i++) {
        ids.add(cache.append(List.of(update(null))).get(0).update().id());
      }
      for (String cursor : List.of(ids.get(0), ids.get(69), ids.get(70), ids.get(71), ids.get(119))) {
        assertThat(cache.readAfter(cursor, 1000).entries())
            .isEqualTo(store.readAfter(cursor, 1000).entries());
      }
    }
  }

  @Test
  void listenerStillHearsEveryAppendInOrder() {
    try (RecentCache cache = new RecentCache(sqlite(), 3)) {
      List<Long> heard = new ArrayList<>();
      cache.onAppend(entries -> entries.forEach(e -> heard.add(e.sequence())));
      for (int i = 0; i < 5; i++) {
        cache.append(List.of(update(null)));
      }
      assertThat(heard).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void afterARestartTheNewestEntriesAreCachedAgain() {
    try (SqliteEventLog log = sqlite()) {
      for (int i = 1; i <= 30; i++) {
        log.append(List.of(update("id" + i)));
      }
    }
    CountingStore store = new CountingStore(sqlite());
    try (RecentCache cache = new RecentCache(store, 10)) {
      int readsAfterStart = store.reads.get();
      assertThat(cache.readAfter("id25", 100).entries()).hasSize(5);
      assertThat(store.reads.get()).isEqualTo(readsAfterStart);
    }
  }
}
