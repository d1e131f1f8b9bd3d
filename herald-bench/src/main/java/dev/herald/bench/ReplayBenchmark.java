package dev.herald.bench;

import dev.herald.hub.log.RecentCache;
import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Replay reads: {@value #EVENTS} stored updates read back in pages of 1,000, as a reconnecting
 * subscriber's replay does, from SQLite or from the in-memory {@link RecentCache}, bounded by count
 * alone or by bytes too (the updates are about 200 bytes: 1 MiB leaves pages at 1,000 updates, 64 KiB
 * cuts them to about 330). Score: events/s.
 */
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ReplayBenchmark {
  static final int EVENTS = 100_000;
  private static final int PAGE = 1000;

  /** {@code sqlite}: every page is a query; {@code cache}: served from memory. */
  @Param({"sqlite", "cache"})
  public String source;

  /** Bytes per page ({@code 0}: count alone). */
  @Param({"0", "1048576", "65536"})
  public long pageBytes;

  private Path dir;
  private EventLog log;

  @Setup(Level.Trial)
  public void fill() throws IOException {
    dir = Files.createTempDirectory("herald-bench-replay");
    SqliteEventLog sqlite = SqliteEventLog.open(dir.resolve("events.db"), SqliteEventLog.Durability.OS,
        new Retention(0, 0, Duration.ZERO), new IdGenerator());
    List<Update> batch = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      batch.add(SampleUpdates.small());
      if (batch.size() == 1000) {
        sqlite.append(batch);
        batch.clear();
      }
    }
    // the default budget (64 MiB) holds all of these updates (about 200 bytes each)
    log = source.equals("cache") ? new RecentCache(sqlite, RecentCache.DEFAULT_MAX_BYTES) : sqlite;
  }

  @TearDown(Level.Trial)
  public void close() {
    log.close();
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void replayAll(Blackhole sink) {
    long after = 0;
    while (true) {
      List<Entry> page = log.readAfterSequence(after, PAGE, pageBytes == 0 ? Long.MAX_VALUE : pageBytes);
      if (page.isEmpty()) {
        return;
      }
      sink.consume(page);
      after = page.get(page.size() - 1).sequence();
    }
  }
}
