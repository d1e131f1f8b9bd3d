package dev.herald.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long an {@link EventSource} waits before reconnecting. The base is the reconnection time
 * (the server's {@code retry:} or {@link EventSource.Builder#reconnectionTime}); each consecutive
 * failure multiplies it by {@link #multiplier()}, capped at {@link #maxDelay()} (or the server's
 * {@code retry:} if that is larger). A {@code Retry-After} header lengthens the wait, up to
 * {@link #maxRetryAfter()}. Then {@link #jitter()} adds a random share, so that many clients do not
 * reconnect in step. Jitter only ever lengthens: the wait is never shorter than the reconnection time
 * nor than the (capped) {@code Retry-After}, because a server that sends {@code retry: 10000} to shed
 * load must not see its clients back after 5 s (WHATWG: wait the reconnection time, then optionally
 * longer). Failures stop counting as consecutive once a connection has stayed open for
 * {@link #resetAfter()}. Immutable; {@code with...} methods return changed copies.
 */
public final class RetryPolicy {
  /** Default growth per consecutive failure. */
  public static final double DEFAULT_MULTIPLIER = 2.0;
  /** Default cap of the computed delay. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);
  /** Default share of the delay that jitter may add: up to half more. */
  public static final double DEFAULT_JITTER = 0.5;
  /** Default time a connection must stay open before failures stop counting as consecutive. */
  public static final Duration DEFAULT_RESET_AFTER = Duration.ofSeconds(60);
  /** Default longest {@code Retry-After} honoured. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(15);

  private static final RetryPolicy BACKOFF = new RetryPolicy(DEFAULT_MULTIPLIER, DEFAULT_MAX_DELAY,
      DEFAULT_JITTER, DEFAULT_RESET_AFTER, DEFAULT_MAX_RETRY_AFTER);
  private static final RetryPolicy BROWSER = new RetryPolicy(1.0, DEFAULT_MAX_DELAY, 0.0,
      DEFAULT_RESET_AFTER, Duration.ZERO);

  private final double multiplier;
  private final Duration maxDelay;
  private final double jitter;
  private final Duration resetAfter;
  private final Duration maxRetryAfter;

  private RetryPolicy(double multiplier, Duration maxDelay, double jitter, Duration resetAfter,
      Duration maxRetryAfter) {
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number >= 1: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1: " + jitter);
    }
    this.multiplier = multiplier;
    this.maxDelay = Checks.requireNotNegative(maxDelay, "maxDelay");
    this.jitter = jitter;
    this.resetAfter = Checks.requireNotNegative(resetAfter, "resetAfter");
    this.maxRetryAfter = Checks.requireNotNegative(maxRetryAfter, "maxRetryAfter");
  }

  /**
   * The default: exponential backoff x2 from the reconnection time, capped at 30 s, plus up to 50%
   * jitter (so never less than the reconnection time, at most 45 s unless the server asks for more).
   */
  public static RetryPolicy backoff() {
    return BACKOFF;
  }

  /** What browsers do: always wait exactly the reconnection time; no backoff, no jitter. */
  public static RetryPolicy browser() {
    return BROWSER;
  }

  /** Growth per consecutive failure (1 = none). */
  public double multiplier() {
    return multiplier;
  }

  /** Cap of the backoff before jitter (the server's {@code retry:} wins when larger). */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** Share of each delay that jitter may add, 0 to 1 (0.5: up to half more). */
  public double jitter() {
    return jitter;
  }

  /** How long a connection must stay open before the failure count restarts. */
  public Duration resetAfter() {
    return resetAfter;
  }

  /** Longest {@code Retry-After} honoured (zero ignores the header). */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /** A copy with another multiplier (at least 1). */
  public RetryPolicy withMultiplier(double multiplier) {
    return new RetryPolicy(multiplier, maxDelay, jitter, resetAfter, maxRetryAfter);
  }

  /** A copy with another cap. */
  public RetryPolicy withMaxDelay(Duration maxDelay) {
    return new RetryPolicy(multiplier, maxDelay, jitter, resetAfter, maxRetryAfter);
  }

  /** A copy with another jitter share, 0 to 1. */
  public RetryPolicy withJitter(double jitter) {
    return new RetryPolicy(multiplier, maxDelay, jitter, resetAfter, maxRetryAfter);
  }

  /** A copy with another reset time. */
  public RetryPolicy withResetAfter(Duration resetAfter) {
    return new RetryPolicy(multiplier, maxDelay, jitter, resetAfter, maxRetryAfter);
  }

  /** A copy with another {@code Retry-After} cap. */
  public RetryPolicy withMaxRetryAfter(Duration maxRetryAfter) {
    return new RetryPolicy(multiplier, maxDelay, jitter, resetAfter, maxRetryAfter);
  }

  /**
   * The wait before the next attempt.
   *
   * @param consecutiveFailures failures since the last healthy connection, at least 1
   * @param reconnectionTime the current reconnection time
   * @param retryAfter the server's {@code Retry-After}, or {@code null}
   * @param random uniform values in [0, 1), for the jitter
   */
  Duration delay(int consecutiveFailures, Duration reconnectionTime, Duration retryAfter,
      DoubleSupplier random) {
    double base = reconnectionTime.toMillis();
    double cap = Math.max(maxDelay.toMillis(), base);
    double grown = base * Math.pow(multiplier, Math.max(0, consecutiveFailures - 1));
    double floor = Math.min(grown, cap);
    if (retryAfter != null) {
      floor = Math.max(floor, Math.min(retryAfter.toMillis(), maxRetryAfter.toMillis()));
    }
    // Added, never subtracted: the floor is what the server asked for.
    double delay = floor + floor * jitter * random.getAsDouble();
    return Duration.ofMillis((long) Math.ceil(Math.min(delay, Long.MAX_VALUE)));
  }

  @Override
  public String toString() {
    return "RetryPolicy[multiplier=" + multiplier + ", maxDelay=" + maxDelay + ", jitter=" + jitter
        + ", resetAfter=" + resetAfter + ", maxRetryAfter=" + maxRetryAfter + "]";
  }
}
