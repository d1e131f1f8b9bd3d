package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  @Test
  void percentilesOfRandomSamplesAreWithinAFewPercentOfTheExactOnes() {
    Random random = new Random(42);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + random.nextInt(200_000);
      long[] samples = new long[n];
      LatencyHistogram histogram = new LatencyHistogram();
      for (int i = 0; i < n; i++) {
        // log-normal-ish latencies from 1 µs to minutes, as real runs give
        samples[i] = (long) Math.exp(random.nextGaussian() * 2 + 7 + trial % 5);
        histogram.record(samples[i]);
      }
      Arrays.sort(samples);
      for (double q : QUANTILES) {
        long exact = samples[(int) Math.max(0, Math.ceil(q * n) - 1)];
        assertThat((double) histogram.percentile(q)).as("q=%s n=%s", q, n)
            .isCloseTo(exact, within(Math.max(1.0, exact * 0.035)));
      }
      assertThat(histogram.max()).isEqualTo(samples[n - 1]);
      assertThat(histogram.count()).isEqualTo(n);
    }
  }

  @Test
  void smallValuesAreExactAndNegativeOnesCountAsZero() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (long v = -3; v < LatencyHistogram.SUB_BUCKETS; v++) {
      histogram.record(v);
    }
    assertThat(histogram.percentile(0.5)).as("18th of 0,0,0,0,1..31").isEqualTo(14);
    assertThat(histogram.percentile(1.0)).isEqualTo(LatencyHistogram.SUB_BUCKETS - 1);
    assertThat(new LatencyHistogram().percentile(0.99)).isZero();
  }

  @Test
  void everyValueFallsInTheBucketThatCoversIt() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      long v = random.nextLong() >>> (1 + random.nextInt(63)); // record() takes non-negative values
      int index = LatencyHistogram.index(v);
      assertThat(v).isBetween(LatencyHistogram.lowestValue(index),
          LatencyHistogram.lowestValue(index) + LatencyHistogram.bucketWidth(index) - 1);
    }
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isLessThan(65 * LatencyHistogram.SUB_BUCKETS);
  }

  @Test
  void addingAndEncodingKeepEveryCount() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    for (int i = 1; i <= 1000; i++) {
      a.record(i);
      b.record(i * 1000L);
    }
    LatencyHistogram both = LatencyHistogram.decode(a.encode());
    both.add(LatencyHistogram.decode(b.encode()));
    assertThat(both.count()).isEqualTo(2000);
    assertThat(both.max()).isEqualTo(1_000_000);
    assertThat(both.percentile(0.25)).isCloseTo(500, within(20L));
    assertThat(LatencyHistogram.decode(new LatencyHistogram().encode()).count()).isZero();
  }
}
