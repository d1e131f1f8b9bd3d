package dev.herald.hub;

import java.util.Arrays;

/**
 * Latencies recorded since the last {@link #drain}, for the dashboard's per-second p50 and p99. Keeps
 * at most {@code capacity} samples per interval (the newest win), so memory stays fixed however busy
 * the hub is.
 */
final class LatencyWindow {
  /** Percentiles of one interval, in milliseconds; {@code null} when nothing was recorded. */
  record Percentiles(double p50, double p99, int samples) {}

  private final long[] samples;
  private int count;
  private long recorded;

  LatencyWindow(int capacity) {
    samples = new long[capacity];
  }

  synchronized void record(long nanos) {
    samples[(int) (recorded++ % samples.length)] = nanos;
    count = Math.min(count + 1, samples.length);
  }

  /** The percentiles of what was recorded since the previous call, which starts a new interval. */
  Percentiles drain() {
    long[] copy;
    synchronized (this) {
      copy = Arrays.copyOf(samples, count);
      count = 0;
      recorded = 0;
    }
    if (copy.length == 0) {
      return null;
    }
    Arrays.sort(copy);
    return new Percentiles(at(copy, 0.50), at(copy, 0.99), copy.length);
  }

  private static double at(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
