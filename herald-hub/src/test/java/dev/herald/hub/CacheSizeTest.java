package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.herald.client.EventIterator;
import dev.herald.client.EventSource;
import dev.herald.log.ForwardingEventLog;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.Entry;
import dev.herald.log.IdGenerator;
import dev.herald.log.Replay;
import dev.herald.log.Retention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Hub.Builder#cacheSize}: a recent cache of that many bytes in front of the log, or none. */
class CacheSizeTest {
  @TempDir
  Path dir;

  /** A SQLite log that counts the reads that reach it. */
  private static final class CountingLog extends ForwardingEventLog {
    final AtomicInteger reads = new AtomicInteger();

    CountingLog(Path file) {
      super(SqliteEventLog.open(file, SqliteEventLog.Durability.OS, Retention.DEFAULT, new IdGenerator()));
    }

    @Override
    public Replay readAfter(String lastEventId, int limit, long maxBytes) {
      reads.incrementAndGet();
      return super.readAfter(lastEventId, limit, maxBytes);
    }

    @Override
    public List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
      reads.incrementAndGet();
      return super.readAfterSequence(sequence, limit, maxBytes);
    }
  }

  /** Publishes three updates, replays after the first; returns the reads that reached the log for it. */
  private int readsOfAReplay(long cacheSize) throws Exception {
    CountingLog log = new CountingLog(dir.resolve("events-" + cacheSize + ".db"));
    try (HubFixture fixture = new HubFixture(builder -> builder.anonymous(true).eventLog(log)
        .cacheSize(cacheSize))) {
      String first = fixture.publishOk("topic", "t", "data", "one");
      fixture.publishOk("topic", "t", "data", "two");
      fixture.publishOk("topic", "t", "data", "three");
      int before = log.reads.get();
      try (EventIterator events = fixture.subscribe(EventSource.builder(fixture.subscribeUri("t")).lastEventId(first))) {
        assertThat(events.poll(Duration.ofSeconds(20)).data()).isEqualTo("two");
        assertThat(events.poll(Duration.ofSeconds(20)).data()).isEqualTo("three");
      }
      return log.reads.get() - before;
    }
  }

  @Test
  void aCacheServesARecentReplayWithoutReadingTheLog() throws Exception {
    assertThat(readsOfAReplay(1 << 20)).isZero();
  }

  @Test
  void withoutACacheTheReplayReadsTheLog() throws Exception {
    assertThat(readsOfAReplay(0)).isPositive();
  }

  @Test
  void aNegativeCacheSizeIsRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> Hub.builder().cacheSize(-1))
        .withMessageContaining("cacheSize");
  }
}
