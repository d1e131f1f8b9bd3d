package dev.herald.server;

import java.time.Duration;

/**
 * When an event loop's next flush pass may start, in one of three modes:
 * <ul>
 *   <li><b>adaptive</b> (the default, {@code interval == null}): after a pass that took {@code P},
 *       the next starts no sooner than {@code P} after it ended (at most {@link #MAX_WAIT_NANOS}).
 *       A pass costs about one socket write per dirty stream (~6 µs each on Linux loopback), so a
 *       loop with few streams or little traffic flushes at once, and a loop whose passes are long
 *       spends at most about half of its time flushing: what is written meanwhile shares the next
 *       write to each connection. The latency this adds is never more than the pass itself already
 *       spreads between the first and the last subscriber of the loop.
 *   <li><b>fixed interval</b> ({@code interval > 0}): no sooner than the interval after the last pass
 *       started, whatever the pass cost.
 *   <li><b>every tick</b> ({@code interval == 0}): at once, queued behind the deliveries already
 *       waiting.
 * </ul>
 * An adaptive wait shorter than {@link #MIN_WAIT_NANOS} is not worth a timer: the flush goes at
 * once. Times come from the loop's clock ({@code EventLoop.ticker()}), which tests can move by hand.
 * Not thread-safe: one per loop, used on it.
 */
final class FlushPacer {
  /** Shorter waits flush at once: a timer costs more than the few writes it would save. */
  static final long MIN_WAIT_NANOS = 50_000;
  /** The longest adaptive wait, so one pass slowed by a pause (GC, a preempted core) adds a bounded delay. */
  static final long MAX_WAIT_NANOS = 50_000_000;

  /** Negative: adaptive; 0: every tick; positive: the fixed interval. */
  private final long intervalNanos;
  /** When the next pass may start (on the loop's clock); meaningless before the first pass. */
  private long earliestNanos;
  private boolean passed;

  /** {@code interval}: {@code null} for adaptive, zero for every tick, else the fixed interval. */
  FlushPacer(Duration interval) {
    this.intervalNanos = interval == null ? -1 : interval.toNanos();
  }

  /** How long a flush asked for at {@code nowNanos} should wait; 0 or less: at once. */
  long waitNanos(long nowNanos) {
    if (intervalNanos == 0 || !passed) {
      return 0;
    }
    long wait = earliestNanos - nowNanos;
    return intervalNanos < 0 && wait < MIN_WAIT_NANOS ? 0 : wait;
  }

  /** Records a flush pass that ran from {@code startNanos} to {@code endNanos}. */
  void passed(long startNanos, long endNanos) {
    passed = true;
    if (intervalNanos > 0) {
      earliestNanos = startNanos + intervalNanos;
    } else if (intervalNanos < 0) {
      earliestNanos = endNanos + Math.min(Math.max(endNanos - startNanos, 0), MAX_WAIT_NANOS);
    }
  }

  /** Whether passes must be timed (not in the every-tick mode, which reads no clock). */
  boolean timed() {
    return intervalNanos != 0;
  }
}
