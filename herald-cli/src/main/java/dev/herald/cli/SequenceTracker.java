package dev.herald.cli;

/**
 * The sequence numbers (from 1) one subscriber connection received on its topic. Concurrent
 * publishes may reach the hub, and so the subscriber, out of order, so a number below the highest
 * seen is not suspect by itself: a window of the {@value #WINDOW} numbers below the highest remembers
 * which arrived. A number seen twice is a duplicate; a number that leaves the window without having
 * arrived is a gap (and stops being one if it still arrives later: then it was only late). Used by
 * one event loop thread; read once it has stopped.
 */
final class SequenceTracker {
  static final int WINDOW = 256;

  /** Bit i of the window: whether {@code highest - i} arrived (bit 0 is {@code highest} itself). */
  private final long[] window = new long[WINDOW / 64];
  private long highest;
  private long gaps;
  private long duplicates;

  void accept(long seq) {
    if (seq > highest) {
      shift(seq - highest);
      highest = seq;
      set(0);
      return;
    }
    long back = highest - seq;
    if (back >= WINDOW) {
      gaps--; // counted as a gap when it left the window; it was late, not lost
      return;
    }
    if (isSet((int) back)) {
      duplicates++;
    } else {
      set((int) back);
    }
  }

  /** At the end of a run: updates up to {@code lastPublished} that never came are gaps. */
  void finish(long lastPublished) {
    long target = Math.max(lastPublished, highest);
    shift(target - highest + WINDOW);
    highest = target + WINDOW;
  }

  /** Moves the window up by {@code by}: numbers that leave it without having arrived are gaps. */
  private void shift(long by) {
    long leaving = Math.min(by, WINDOW);
    for (int i = WINDOW - 1; i >= WINDOW - leaving; i--) {
      if (highest - i >= 1 && !isSet(i)) {
        gaps++;
      }
    }
    if (by > WINDOW) {
      // numbers skipped entirely, above the old window and below the new one's bottom
      long firstSkipped = Math.max(1, highest + 1);
      long lastSkipped = highest + by - WINDOW;
      gaps += Math.max(0, lastSkipped - firstSkipped + 1);
      java.util.Arrays.fill(window, 0);
      return;
    }
    int words = window.length;
    int wordShift = (int) by >>> 6;
    int bitShift = (int) by & 63;
    for (int w = words - 1; w >= 0; w--) {
      int src = w - wordShift;
      long value = src >= 0 ? window[src] << bitShift : 0;
      if (bitShift != 0 && src - 1 >= 0) {
        value |= window[src - 1] >>> (64 - bitShift);
      }
      window[w] = value;
    }
  }

  private boolean isSet(int i) {
    return (window[i >>> 6] & (1L << (i & 63))) != 0;
  }

  private void set(int i) {
    window[i >>> 6] |= 1L << (i & 63);
  }

  long gaps() {
    return gaps;
  }

  long duplicates() {
    return duplicates;
  }
}
