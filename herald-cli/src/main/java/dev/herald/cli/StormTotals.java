package dev.herald.cli;

/**
 * The outcome of a reconnect storm over the reconnected subscribers: how many reconnected, how
 * many received exactly what they missed, how many received it with something unexpected (a
 * duplicate, one out of order, one from before their cursor), how many did not get all of it, and
 * the recovery time of each that did (from its reconnection to the last missed update, microseconds)
 * and, to tell connecting from replaying, the time to each response.
 */
final class StormTotals {
  long attempted;
  long reconnected;
  long exact;
  long completeWithUnexpected;
  long incomplete;
  long unexpected;
  final LatencyHistogram recoveryMicros = new LatencyHistogram();
  /** From each reconnection to its response (200), microseconds. */
  final LatencyHistogram responseMicros = new LatencyHistogram();
  /** When the last subscriber to recover did (System.nanoTime), or Long.MIN_VALUE. */
  long lastCompletedNanos = Long.MIN_VALUE;

  void add(boolean reconnected, ReplayCheck check) {
    attempted++;
    if (reconnected) {
      this.reconnected++;
    }
    unexpected += check.unexpected();
    if (check.responseNanos() >= 0) {
      responseMicros.record(check.responseNanos() / 1_000);
    }
    if (check.exact()) {
      exact++;
    } else if (check.complete()) {
      completeWithUnexpected++;
    } else {
      incomplete++;
    }
    if (check.complete()) {
      recoveryMicros.record(check.recoveryNanos() / 1_000);
      lastCompletedNanos = Math.max(lastCompletedNanos, check.completedAtNanos());
    }
  }
}
