package dev.herald.bench;

import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/** Encoder throughput in events per second, into a reused array and into a fresh one. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EncoderBenchmark {
  /** {@code small}: ~100-byte events; {@code large}: 4 KiB events of 64 data lines. */
  @Param({"small", "large"})
  public String size;

  private SseEvent event;
  private byte[] buffer;

  @Setup(Level.Trial)
  public void setUp() {
    event = "large".equals(size) ? SampleStreams.largeEvent(7) : SampleStreams.smallEvent(7);
    buffer = new byte[SseEncoder.encodedLength(event) * 2];
  }

  /** What the hub does per update: size it, then write it into a buffer it already has. */
  @Benchmark
  public int encodeIntoReusedArray() {
    return SseEncoder.encode(event, buffer, 0);
  }

  @Benchmark
  public byte[] encodeToNewArray() {
    return SseEncoder.encode(event);
  }
}
