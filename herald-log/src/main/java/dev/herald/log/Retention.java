package dev.herald.log;

import java.time.Duration;
import java.util.Objects;

/**
 * How much history a log keeps: at most {@code maxEvents} updates, at most {@code maxBytes} of update
 * content, none older than {@code maxAge}; the oldest go first. {@code 0} or {@link Duration#ZERO}
 * disables a bound.
 */
public record Retention(long maxEvents, long maxBytes, Duration maxAge) {
  /** The default: 100,000 updates, 256 MiB, 7 days. */
  public static final Retention DEFAULT = new Retention(100_000, 256L << 20, Duration.ofDays(7));

  /** Validates the bounds. */
  public Retention {
    if (maxEvents < 0 || maxBytes < 0) {
      throw new IllegalArgumentException("retention bounds must not be negative");
    }
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
    }
  }
}
