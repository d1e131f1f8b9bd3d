package dev.herald.bench;

import dev.herald.hub.log.SqliteEventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Acknowledged appends per second to the SQLite log: each benchmark thread is one publisher that
 * waits for its append to be stored, as the hub's publish endpoint does. Run with {@code -t 1},
 * {@code -t 8} and {@code -t 64} for 1, 8 and 64 concurrent publishers; group commit is what lets
 * throughput grow with them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class LogAppendBenchmark {
  /** {@code os}: survives a process crash; {@code fsync}: on disk. */
  @Param({"os", "fsync"})
  public String durability;

  private Path dir;
  private SqliteEventLog log;
  private final List<Update> update = List.of(SampleUpdates.small());

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("herald-bench-log");
    log = SqliteEventLog.open(dir.resolve("events.db"),
        durability.equals("fsync") ? SqliteEventLog.Durability.FSYNC : SqliteEventLog.Durability.OS,
        Retention.DEFAULT, new IdGenerator());
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    log.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Benchmark
  public Object append() {
    return log.append(update);
  }
}
