package dev.herald.cli;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * A fixed-memory log-linear histogram of non-negative values (microseconds for {@code herald bench}):
 * values below {@value #SUB_BUCKETS} have a bucket each; above, every power of two is split into
 * {@value #SUB_BUCKETS} equal buckets, so a percentile is off by at most 1/{@value #SUB_BUCKETS}
 * (about 3%) of the value. {@link #record} is thread-safe and allocation-free; reading while
 * recording gives a slightly stale but consistent-enough view, as progress lines need.
 */
final class LatencyHistogram {
  /** Sub-buckets per power of two (a power of two itself). */
  static final int SUB_BUCKETS = 32;
  private static final int SUB_BITS = Integer.numberOfTrailingZeros(SUB_BUCKETS);
  private static final int BUCKETS = (64 - SUB_BITS + 1) * SUB_BUCKETS;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  /** Records one value; negative values (clock skew) count as 0. */
  void record(long value) {
    long v = Math.max(0, value);
    counts.incrementAndGet(index(v));
    max.accumulate(v);
  }

  /** Adds every count of {@code other} to this one. */
  void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      long c = other.counts.get(i);
      if (c != 0) {
        counts.addAndGet(i, c);
      }
    }
    max.accumulate(other.max());
  }

  long count() {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += counts.get(i);
    }
    return total;
  }

  long max() {
    return max.get();
  }

  /**
   * The value at quantile {@code q} (0 < q <= 1): the midpoint of the bucket holding the
   * ceil(q * count)-th smallest value, capped at the maximum; 0 when empty.
   */
  long percentile(double q) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        long low = lowestValue(i);
        long mid = low + (bucketWidth(i) - 1) / 2;
        return Math.min(mid, max());
      }
    }
    return max();
  }

  /** Sparse text form {@code index:count,...} (then {@code ;max}) for passing between processes. */
  String encode() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < BUCKETS; i++) {
      long c = counts.get(i);
      if (c != 0) {
        out.append(out.length() == 0 ? "" : ",").append(i).append(':').append(c);
      }
    }
    return out.append(';').append(max()).toString();
  }

  /** The histogram {@link #encode()} wrote. */
  static LatencyHistogram decode(String text) {
    LatencyHistogram histogram = new LatencyHistogram();
    int semicolon = text.lastIndexOf(';');
    String buckets = text.substring(0, semicolon);
    if (!buckets.isEmpty()) {
      for (String pair : buckets.split(",")) {
        int colon = pair.indexOf(':');
        histogram.counts.addAndGet(Integer.parseInt(pair.substring(0, colon)),
            Long.parseLong(pair.substring(colon + 1)));
      }
    }
    histogram.max.accumulate(Long.parseLong(text.substring(semicolon + 1)));
    return histogram;
  }

  static int index(long value) {
    if (value < SUB_BUCKETS) {
      return (int) value;
    }
    int power = 63 - Long.numberOfLeadingZeros(value); // >= SUB_BITS
    int shift = power - SUB_BITS;
    int sub = (int) (value >>> shift) - SUB_BUCKETS; // 0..SUB_BUCKETS-1
    return (shift + 1) * SUB_BUCKETS + sub;
  }

  static long lowestValue(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int shift = index / SUB_BUCKETS - 1;
    long sub = index % SUB_BUCKETS;
    return (SUB_BUCKETS + sub) << shift;
  }

  static long bucketWidth(int index) {
    return index < SUB_BUCKETS ? 1 : 1L << (index / SUB_BUCKETS - 1);
  }
}
