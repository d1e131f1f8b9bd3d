package dev.herald.hub.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.herald.log.Entry;
import dev.herald.log.ForwardingEventLog;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Replay;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory tail in front of a durable log, bounded by bytes. */
class RecentCacheTest {
  private static final long MIB = 1 << 20;
  private static final int KB_100 = 100_000;

  @TempDir
  Path dir;

  /** A store that counts its reads and the most bytes one of them returned. */
  private static final class CountingStore extends ForwardingEventLog {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicLong largestRead = new AtomicLong();

    CountingStore(EventLog log) {
      super(log);
    }

    private <T> T counted(T result, List<Entry> entries) {
      reads.incrementAndGet();
      largestRead.accumulateAndGet(entries.stream().mapToLong(e -> e.update().bytes()).sum(), Math::max);
      return result;
    }

    @Override
    public Replay readAfter(String lastEventId, int limit, long maxBytes) {
      Replay replay = log.readAfter(lastEventId, limit, maxBytes);
      return counted(replay, replay.entries());
    }

    @Override
    public List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
      List<Entry> entries = log.readAfterSequence(sequence, limit, maxBytes);
      return counted(entries, entries);
    }
  }

  private static Update update(String id) {
    return new Update(id, List.of("t"), "d" + id, false, null, null);
  }

  private static Update sized(String id, int dataChars) {
    return new Update(id, List.of("t"), "x".repeat(dataChars), false, null, null);
  }

  private SqliteEventLog sqlite() {
    return sqlite(new Retention(0, 0, Duration.ZERO));
  }

  private SqliteEventLog sqlite(Retention retention) {
    return SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS, retention, new IdGenerator());
  }

  private static List<String> ids(List<Entry> entries) {
    return entries.stream().map(entry -> entry.update().id()).toList();
  }

  @Test
  void aRecentCursorIsServedWithoutTouchingTheStore() {
    CountingStore store = new CountingStore(sqlite());
    try (RecentCache cache = new RecentCache(store, RecentCache.DEFAULT_MAX_BYTES)) {
      for (int i = 1; i <= 10; i++) {
        cache.append(List.of(update("id" + i)));
      }
      int readsBefore = store.reads.get();

      Replay replay = cache.readAfter("id7", 100);

      assertThat(replay.cursorFound()).isTrue();
      assertThat(ids(replay.entries())).containsExactly("id8", "id9", "id10");
      assertThat(replay.upToSequence()).isEqualTo(10);
      assertThat(store.reads.get()).isEqualTo(readsBefore);
    }
  }

  @Test
  void updatesOf100KbInA1MibCacheKeepTheNewestTenServedFromMemoryAndOlderOnesFromTheStore() {
    CountingStore store = new CountingStore(sqlite());
    try (RecentCache cache = new RecentCache(store, MIB)) {
      for (int i = 1; i <= 30; i++) {
        cache.append(List.of(sized("u" + i, KB_100)));
      }
      long size = sized("u30", KB_100).bytes();
      assertThat(MIB / size).as("the test's premise").isEqualTo(10);

      assertThat(cache.cachedEntries()).isEqualTo(10);
      assertThat(cache.cachedBytes()).isEqualTo(10 * size).isLessThanOrEqualTo(MIB);
      int reads = store.reads.get();
      assertThat(ids(cache.readAfter("u21", 100).entries())).hasSize(9).startsWith("u22").endsWith("u30");
      assertThat(ids(cache.readAfterSequence(20, 100))).hasSize(10).startsWith("u21");
      assertThat(ids(cache.readAfterSequence(24, 3, 2 * size))).containsExactly("u25", "u26");
      assertThat(store.reads.get()).as("reads inside the cache").isEqualTo(reads);

      assertThat(ids(cache.readAfter("u20", 100).entries())).hasSize(10).startsWith("u21");
      assertThat(ids(cache.readAfterSequence(19, 100))).hasSize(11).startsWith("u20");
      assertThat(store.reads.get()).as("reads past the cache").isEqualTo(reads + 2);
    }
  }

  @Test
  void theCacheNeverHoldsMoreThanItsBudgetAndAnswersAsTheStoreDoes() {
    SqliteEventLog sqlite = sqlite();
    long budget = 600_000;
    SplittableRandom random = new SplittableRandom(15);
    try (RecentCache cache = new RecentCache(sqlite, budget)) {
      for (int i = 1; i <= 150; i++) {
        // mostly small, some large, a few larger than the whole budget
        int size = random.nextInt(10) == 0 ? random.nextInt(700_000) : random.nextInt(20_000);
        cache.append(List.of(sized("r" + i, size)));

        assertThat(cache.cachedBytes()).as("after %d appends", i).isLessThanOrEqualTo(budget);
        if (i % 10 == 0) {
          for (long after = Math.max(0, i - 40); after <= i; after += 7) {
            assertThat(cache.readAfterSequence(after, 1000, 300_000))
                .as("after %d", after).isEqualTo(sqlite.readAfterSequence(after, 1000, 300_000));
            String cursor = "r" + Math.max(1, after);
            assertThat(cache.readAfter(cursor, 1000)).isEqualTo(sqlite.readAfter(cursor, 1000));
          }
        }
      }
    }
  }

  @Test
  void anEntryLargerThanTheBudgetEmptiesTheCacheWhichFillsAgainWithTheEntriesAfterIt() {
    CountingStore store = new CountingStore(sqlite());
    try (RecentCache cache = new RecentCache(store, MIB)) {
      cache.append(List.of(update("a"), update("b")));
      cache.append(List.of(sized("huge", 2 * (int) MIB)));

      assertThat(cache.cachedEntries()).isZero();
      assertThat(cache.cachedBytes()).isZero();
      int reads = store.reads.get();
      assertThat(ids(cache.readAfter("a", 10).entries())).containsExactly("b", "huge");
      assertThat(store.reads.get()).isEqualTo(reads + 1);

      cache.append(List.of(update("c"), update("d")));

      assertThat(cache.cachedEntries()).isEqualTo(2);
      reads = store.reads.get();
      assertThat(ids(cache.readAfter("c", 10).entries())).containsExactly("d");
      assertThat(store.reads.get()).as("c and d are cached").isEqualTo(reads);
      assertThat(ids(cache.readAfter("huge", 10).entries())).containsExactly("c", "d");
      assertThat(store.reads.get()).as("huge is not").isEqualTo(reads + 1);
    }
  }

  @Test
  void aCursorOlderThanTheCacheGoesToTheStore() {
    CountingStore store = new CountingStore(sqlite());
    try (RecentCache cache = new RecentCache(store, 5 * update("id10").bytes())) {
      for (int i = 10; i < 30; i++) {
        cache.append(List.of(update("id" + i)));
      }
      assertThat(cache.cachedEntries()).isEqualTo(5);
      int readsBefore = store.reads.get();

      assertThat(cache.readAfter("id12", 100).entries()).hasSize(17);
      assertThat(store.reads.get()).isEqualTo(readsBefore + 1);
    }
  }

  @Test
  void theListenerStillHearsEveryAppendInOrder() {
    try (RecentCache cache = new RecentCache(sqlite(), 300)) {
      List<Long> heard = new ArrayList<>();
      cache.onAppend(entries -> entries.forEach(e -> heard.add(e.sequence())));
      for (int i = 0; i < 5; i++) {
        cache.append(List.of(update(null)));
      }
      cache.append(List.of(sized(null, 1000))); // not cached, still heard

      assertThat(heard).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }
  }

  @Test
  void afterARestartTheNewestEntriesThatFitAreCachedAgainReadInPagesNoLargerThanTheBudget() {
    try (SqliteEventLog log = sqlite()) {
      for (int i = 1; i <= 30; i++) {
        log.append(List.of(sized("u" + i, KB_100)));
      }
    }
    CountingStore store = new CountingStore(sqlite());
    try (RecentCache cache = new RecentCache(store, MIB)) {
      assertThat(cache.cachedEntries()).isEqualTo(10);
      assertThat(store.largestRead.get()).as("bytes of the largest start-up read").isLessThanOrEqualTo(MIB);
      int readsAfterStart = store.reads.get();

      assertThat(ids(cache.readAfter("u25", 100).entries())).containsExactly("u26", "u27", "u28", "u29", "u30");
      assertThat(store.reads.get()).isEqualTo(readsAfterStart);
    }
  }

  @Test
  void afterARestartManySmallEntriesFillTheCacheUpToItsBudget() {
    try (SqliteEventLog log = sqlite()) {
      List<Update> batch = new ArrayList<>();
      for (int i = 1; i <= 5000; i++) {
        batch.add(update("s" + i));
      }
      log.append(batch);
    }
    long budget = 1000 * update("s1000").bytes();
    try (RecentCache cache = new RecentCache(sqlite(), budget)) {
      assertThat(cache.cachedBytes()).isLessThanOrEqualTo(budget).isGreaterThan(budget * 9 / 10);
      assertThat(cache.readAfterSequence(4999, 10)).extracting(e -> e.update().id()).containsExactly("s5000");
    }
  }

  @Test
  void afterARestartWithTheNewestEntryLargerThanTheBudgetNothingIsCachedUntilTheNextAppend() {
    try (SqliteEventLog log = sqlite()) {
      log.append(List.of(update("a"), sized("huge", 2 * (int) MIB)));
    }
    try (RecentCache cache = new RecentCache(sqlite(), MIB)) {
      assertThat(cache.cachedEntries()).isZero();

      cache.append(List.of(update("b")));

      assertThat(cache.cachedEntries()).isEqualTo(1);
      assertThat(ids(cache.readAfter("huge", 10).entries())).containsExactly("b");
    }
  }

  @Test
  void afterARestartOnlyWhatRetentionKeptIsCached() {
    try (SqliteEventLog log = sqlite(new Retention(5, 0, Duration.ZERO))) {
      for (int i = 1; i <= 20; i++) {
        log.append(List.of(update("k" + i)));
      }
      log.trimNow();
    }
    try (RecentCache cache = new RecentCache(sqlite(), RecentCache.DEFAULT_MAX_BYTES)) {
      assertThat(cache.cachedEntries()).isEqualTo(5);
      assertThat(ids(cache.readAfterSequence(15, 100))).containsExactly("k16", "k17", "k18", "k19", "k20");
    }
  }

  @Test
  void aBudgetMustBePositive() {
    try (SqliteEventLog log = sqlite()) {
      assertThatIllegalArgumentException().isThrownBy(() -> new RecentCache(log, 0)).withMessageContaining("budget");
    }
  }
}
