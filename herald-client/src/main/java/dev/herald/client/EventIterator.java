package dev.herald.client;

import dev.herald.sse.SseEvent;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A blocking view of an {@link EventSource}: {@link #hasNext()} waits for the next event and
 * returns {@code false} once the source has closed and every received event was taken. If the
 * source closed because of an error (not a 204 and not {@link #close()}), {@code hasNext()} throws
 * that {@link EventSourceException} instead. Suits virtual threads: waiting parks, never spins.
 * Create one with {@link EventSource.Builder#iterator()}; close it to close the source.
 */
public final class EventIterator implements Iterator<SseEvent>, AutoCloseable {
  /** Events buffered before the source stops reading the socket. */
  public static final int DEFAULT_CAPACITY = 1024;

  private final EventSource source;
  private final EventBuffer buffer;
  private SseEvent next;

  EventIterator(EventSource source, EventBuffer buffer) {
    this.source = source;
    this.buffer = buffer;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = await(-1);
    }
    if (next != null) {
      return true;
    }
    EventSourceException failure = buffer.failure();
    if (failure != null) {
      throw failure;
    }
    return false;
  }

  @Override
  public SseEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the event source has closed");
    }
    SseEvent event = next;
    next = null;
    return event;
  }

  /**
   * The next event, waiting at most {@code timeout}; {@code null} if none arrived in time or the
   * source has ended (then {@link #hasNext()} says whether it failed).
   */
  public SseEvent poll(Duration timeout) {
    if (next != null) {
      SseEvent event = next;
      next = null;
      return event;
    }
    return await(timeout.toNanos());
  }

  /** The events as a sequential stream; closing the stream closes this iterator. */
  public Stream<SseEvent> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(this::close);
  }

  /** The source's state. */
  public ReadyState readyState() {
    return source.readyState();
  }

  /** The source's last event ID. */
  public String lastEventId() {
    return source.lastEventId();
  }

  /** Closes the source and drops events not yet taken. Idempotent. */
  @Override
  public void close() {
    buffer.discard(); // first: a delivering thread blocked on a full buffer must let go of the source
    source.close();
  }

  private SseEvent await(long timeoutNanos) {
    try {
      return buffer.take(timeoutNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EventSourceException("interrupted while waiting for an event", e);
    }
  }
}
