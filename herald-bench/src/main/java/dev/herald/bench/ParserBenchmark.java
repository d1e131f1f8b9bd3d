package dev.herald.bench;

import dev.herald.sse.EventStreamParser;
import dev.herald.sse.SseEvent;
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
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parser throughput: a pre-encoded stream of {@value #EVENTS} events fed in socket-sized chunks.
 * The score is events per second; bytes per second = score x the printed bytes per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParserBenchmark {
  static final int EVENTS = 1024;

  /** {@code small}: ~100-byte events; {@code large}: 4 KiB events of 64 data lines. */
  @Param({"small", "large"})
  public String size;

  /** Bytes handed to the parser per feed, as one socket read would. */
  @Param({"8192"})
  public int chunk;

  private byte[] stream;
  private EventStreamParser parser;
  private Blackhole sink;

  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) {
    stream = SampleStreams.stream("large".equals(size), EVENTS);
    sink = blackhole;
    parser = new EventStreamParser(this::consume);
    System.out.printf("%n[%s] %d bytes per event%n", size, stream.length / EVENTS);
  }

  private void consume(SseEvent event) {
    sink.consume(event);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void parse() {
    byte[] bytes = stream;
    for (int offset = 0; offset < bytes.length; offset += chunk) {
      parser.feed(bytes, offset, Math.min(chunk, bytes.length - offset));
    }
  }
}
