package dev.herald.server;

import java.util.ArrayDeque;

/**
 * The bytes of history that all replays of a server may hold at once: a page counts from the moment
 * it is asked for until the socket took it. A replay that would pass the budget waits its turn
 * (first come, first served) instead of being refused; one replay alone always proceeds, whatever
 * its page size, so a budget smaller than a page cannot stall everything. Thread-safe; grants run on
 * the thread that released the bytes or asked for them, outside the lock.
 */
final class ReplayBudget {
  private final long limit;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private long inFlight;

  private record Waiter(long bytes, Runnable granted) {}

  ReplayBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the replay budget must be at least 1 byte: " + limit);
    }
    this.limit = limit;
  }

  /** Runs {@code granted} once {@code bytes} fit in the budget: now, or when enough are released. */
  void acquire(long bytes, Runnable granted) {
    synchronized (this) {
      if (!waiting.isEmpty() || !fits(bytes)) {
        waiting.add(new Waiter(bytes, granted));
        return;
      }
      inFlight += bytes;
    }
    granted.run();
  }

  /** Takes {@code bytes} more without waiting: a page turned out larger than asked for. */
  synchronized void charge(long bytes) {
    inFlight += bytes;
  }

  /** Returns {@code bytes}, granting waiters that now fit, in order. */
  void release(long bytes) {
    if (bytes == 0) {
      return;
    }
    ArrayDeque<Runnable> grants = new ArrayDeque<>();
    synchronized (this) {
      inFlight -= bytes;
      while (!waiting.isEmpty() && fits(waiting.peek().bytes())) {
        Waiter next = waiting.poll();
        inFlight += next.bytes();
        grants.add(next.granted());
      }
    }
    grants.forEach(Runnable::run);
  }

  private boolean fits(long bytes) {
    return inFlight == 0 || inFlight + bytes <= limit;
  }

  /** The bytes held now. */
  synchronized long inFlight() {
    return inFlight;
  }

  /** The replays waiting for their turn now. */
  synchronized int waiting() {
    return waiting.size();
  }

  long limit() {
    return limit;
  }
}
