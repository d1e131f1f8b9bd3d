package dev.herald.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a hand-driven clock. */
class RateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RateLimiter limiter = new RateLimiter(2, 3, now::get); // 2 a second, bursts of 3

  @Test
  void aBurstIsGrantedAtOnce() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("k")).as("permit %d", i).isZero();
    }
  }

  @Test
  void pastTheBurstTheWaitUntilTheNextPermitIsReturned() {
    for (int i = 0; i < 3; i++) {
      limiter.tryAcquire("k");
    }

    assertThat(limiter.tryAcquire("k")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void permitsRefillAtTheRate() {
    for (int i = 0; i < 3; i++) {
      limiter.tryAcquire("k");
    }
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));

    assertThat(limiter.tryAcquire("k")).isZero();
    assertThat(limiter.tryAcquire("k")).isPositive();
  }

  @Test
  void refillStopsAtTheBurst() {
    now.addAndGet(TimeUnit.HOURS.toNanos(1));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("k")).isZero();
    }

    assertThat(limiter.tryAcquire("k")).isPositive();
  }

  @Test
  void keysHaveSeparateBuckets() {
    for (int i = 0; i < 3; i++) {
      limiter.tryAcquire("a");
    }

    assertThat(limiter.tryAcquire("a")).isPositive();
    assertThat(limiter.tryAcquire("b")).isZero();
  }

  @Test
  void refusedAttemptsTakeNothing() {
    for (int i = 0; i < 3; i++) {
      limiter.tryAcquire("k");
    }
    for (int i = 0; i < 100; i++) {
      limiter.tryAcquire("k");
    }
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));

    assertThat(limiter.tryAcquire("k")).as("hammering did not push the next permit back").isZero();
  }

  @Test
  void refilledBucketsAreForgottenWhenKeysPileUp() {
    for (int i = 0; i <= RateLimiter.SWEEP_THRESHOLD; i++) {
      limiter.tryAcquire("key " + i);
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    limiter.tryAcquire("one more");

    assertThat(limiter.keys()).isEqualTo(1);
  }

  @Test
  void keysAreSweptAtMostOnceASecond() {
    for (int i = 0; i <= RateLimiter.SWEEP_THRESHOLD; i++) {
      limiter.tryAcquire("first " + i);
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(10));
    limiter.tryAcquire("sweeps"); // every bucket has refilled: all go
    for (int i = 0; i <= RateLimiter.SWEEP_THRESHOLD; i++) {
      limiter.tryAcquire("second " + i);
    }
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(900)); // refilled, but within a second of the sweep
    limiter.tryAcquire("too soon");

    assertThat(limiter.keys()).isGreaterThan(RateLimiter.SWEEP_THRESHOLD);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
    limiter.tryAcquire("a second later");
    assertThat(limiter.keys()).as("only 'too soon' (not refilled yet) and the new key stay").isEqualTo(2);
  }

  @Test
  void aRateNeedsAPositiveRateAndBurst() {
    assertThatThrownBy(() -> new RateLimiter(0, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(1, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
  }
}
