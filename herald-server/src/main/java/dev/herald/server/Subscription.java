package dev.herald.server;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A stream's interest in a {@link FanOut}'s events: the filter decides which ones it gets. It also
 * remembers the sequence of the last event written, so that events replayed from a log and the same
 * events arriving live are written once: the replay join of the hub. Loop-confined.
 *
 * @param <E> the event type of the fan-out
 */
public final class Subscription<E> {
  private final SseStream stream;
  private final Predicate<E> filter;
  private long lastSequence = Long.MIN_VALUE;
  int index = -1;

  /** A subscription of {@code stream} to the events {@code filter} accepts. */
  public Subscription(SseStream stream, Predicate<E> filter) {
    this.stream = Objects.requireNonNull(stream, "stream");
    this.filter = Objects.requireNonNull(filter, "filter");
  }

  /** The stream events are written to. */
  public SseStream stream() {
    return stream;
  }

  /** The sequence of the last event written (replayed or live). */
  public long lastSequence() {
    return lastSequence;
  }

  /** Records that events up to {@code sequence} were written, e.g. by a replay. */
  public void writtenUpTo(long sequence) {
    lastSequence = Math.max(lastSequence, sequence);
  }

  boolean wants(E event, long sequence) {
    return sequence > lastSequence && stream.isOpen() && filter.test(event);
  }
}
