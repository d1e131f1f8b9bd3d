package dev.herald.hub;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a publisher's token, or a client address): each key may take {@code rate}
 * permits a second with bursts of up to {@code burst}. Buckets that have refilled are forgotten once
 * there are many keys (swept at most once a second), so a flood of distinct keys costs bounded
 * memory and bounded work.
 */
final class RateLimiter {
  /** Keys kept before full buckets are swept. */
  static final int SWEEP_THRESHOLD = 10_000;

  private final double permitsPerNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong nextSweepNanos = new java.util.concurrent.atomic.AtomicLong();

  RateLimiter(double ratePerSecond, int burst, LongSupplier nanoTime) {
    if (!(ratePerSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
    }
    this.permitsPerNano = ratePerSecond / TimeUnit.SECONDS.toNanos(1);
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /**
   * Takes one permit for {@code key}. Returns 0 when granted, else the nanoseconds until one will be
   * available (nothing is taken then).
   */
  long tryAcquire(String key) {
    long now = nanoTime.getAsLong();
    long next = nextSweepNanos.get();
    // At most one sweep a second: a flood of fresh keys must not make every request walk them all.
    if (buckets.size() > SWEEP_THRESHOLD && now - next >= 0
        && nextSweepNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(1))) {
      sweep(now);
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    synchronized (bucket) {
      bucket.refill(now, permitsPerNano, burst);
      if (bucket.permits >= 1) {
        bucket.permits -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - bucket.permits) / permitsPerNano));
    }
  }

  int keys() {
    return buckets.size();
  }

  private void sweep(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket bucket = it.next();
      synchronized (bucket) {
        bucket.refill(now, permitsPerNano, burst);
        if (bucket.permits >= burst) {
          it.remove(); // a full bucket is the same as no bucket
        }
      }
    }
  }

  private static final class Bucket {
    double permits;
    long updatedNanos;

    Bucket(double permits, long now) {
      this.permits = permits;
      this.updatedNanos = now;
    }

    void refill(long now, double permitsPerNano, double burst) {
      long elapsed = now - updatedNanos;
      if (elapsed > 0) {
        permits = Math.min(burst, permits + elapsed * permitsPerNano);
        updatedNanos = now;
      }
    }
  }
}
