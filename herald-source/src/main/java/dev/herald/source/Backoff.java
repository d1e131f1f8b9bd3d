package dev.herald.source;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Waits that double from {@code first} to {@code max} after each failure, with jitter; reset on success. */
final class Backoff {
  private final long firstMillis;
  private final long maxMillis;
  private long nextMillis;

  Backoff(Duration first, Duration max) {
    this.firstMillis = Math.max(1, first.toMillis());
    this.maxMillis = Math.max(firstMillis, max.toMillis());
    this.nextMillis = firstMillis;
  }

  /** The wait before the next attempt: between half and all of the current step, which then doubles. */
  long nextMillis() {
    long step = nextMillis;
    nextMillis = Math.min(maxMillis, nextMillis * 2);
    return step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1);
  }

  void reset() {
    nextMillis = firstMillis;
  }
}
