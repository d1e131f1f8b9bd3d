package dev.herald.cli;

/**
 * What one reconnected subscriber of a reconnect storm must receive: exactly the sequence numbers
 * {@code first..last} of its topic, in order, each once, and nothing else of its topic. Records when
 * the last of them arrived. Confined to the subscriber's event loop; read after it stopped.
 */
final class ReplayCheck {
  private final long first;
  private final long last;
  private final long startNanos;
  private long next;
  private long unexpected;
  private long completedNanos;
  private long openedNanos = -1;

  /** {@code startNanos}: when the subscriber started to reconnect (System.nanoTime). */
  ReplayCheck(long first, long last, long startNanos) {
    this.first = first;
    this.last = last;
    this.startNanos = startNanos;
    this.next = first;
  }

  /** The response (200) arrived. */
  void opened(long nowNanos) {
    openedNanos = nowNanos;
  }

  /** Nanoseconds from the start of the reconnection to the response, or -1. */
  long responseNanos() {
    return openedNanos < 0 ? -1 : openedNanos - startNanos;
  }

  void accept(long seq, long nowNanos) {
    if (seq == next && seq <= last) {
      next++;
      if (next > last) {
        completedNanos = nowNanos;
      }
    } else {
      unexpected++; // a duplicate, one out of order, one before the cursor or past the end
    }
  }

  /** Every expected number arrived (possibly with unexpected ones among them). */
  boolean complete() {
    return next > last;
  }

  /** Exactly the expected numbers, in order, each once, and nothing else. */
  boolean exact() {
    return complete() && unexpected == 0;
  }

  /** How many of the expected numbers arrived in order before the first one that did not. */
  long received() {
    return next - first;
  }

  long unexpected() {
    return unexpected;
  }

  /** When the last expected number arrived (System.nanoTime), or -1. */
  long completedAtNanos() {
    return complete() ? completedNanos : -1;
  }

  /** Nanoseconds from the start of the reconnection to the last expected number, or -1. */
  long recoveryNanos() {
    return complete() ? completedNanos - startNanos : -1;
  }
}
