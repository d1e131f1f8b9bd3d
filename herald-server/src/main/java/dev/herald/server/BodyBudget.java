package dev.herald.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide account of request body bytes in flight: received and not yet answered, whether
 * still arriving, being aggregated, or held while the application works on the request (a publish
 * waiting for the log). Each connection's {@link BodyBudgetHandler} charges and releases; the sum
 * never exceeds the limit, so request bodies cannot take more memory than that, however many
 * clients send at once.
 */
final class BodyBudget {
  private final long limit;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  BodyBudget(long limit) {
    this.limit = limit;
  }

  /** Charges {@code bytes} if they fit under the limit; returns whether they were charged. */
  boolean tryCharge(long bytes) {
    long current;
    do {
      current = inFlight.get();
      if (current + bytes > limit) {
        return false;
      }
    } while (!inFlight.compareAndSet(current, current + bytes));
    return true;
  }

  /** Whether {@code bytes} more would fit now (a hint: others charge meanwhile). */
  boolean fits(long bytes) {
    return inFlight.get() + bytes <= limit;
  }

  void release(long bytes) {
    inFlight.addAndGet(-bytes);
  }

  void refusedOne() {
    refused.incrementAndGet();
  }

  long limit() {
    return limit;
  }

  long inFlight() {
    return inFlight.get();
  }

  long refused() {
    return refused.get();
  }
}
