package dev.herald.client;

import dev.herald.sse.SseEvent;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between an {@link EventSource} and an {@link EventIterator}. A full buffer
 * blocks the delivering thread, which stops the source from reading more of the socket; the end
 * marker and the terminal error need no room, so closing never waits for a slow consumer.
 */
final class EventBuffer implements EventSourceListener {
  private static final EventSourceListener NONE = event -> { };

  private final int capacity;
  private final EventSourceListener delegate;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<SseEvent> events = new ArrayDeque<>();
  private boolean ended;
  private boolean discarding;
  private EventSourceException failure;

  EventBuffer(int capacity, EventSourceListener delegate) {
    this.capacity = capacity;
    this.delegate = delegate == null ? NONE : delegate;
  }

  @Override
  public void onOpen(HttpResponse.ResponseInfo response) {
    delegate.onOpen(response);
  }

  @Override
  public void onEvent(SseEvent event) {
    delegate.onEvent(event);
    lock.lock();
    try {
      while (events.size() >= capacity && !discarding) {
        notFull.await();
      }
      if (!discarding) {
        events.add(event);
        notEmpty.signal();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onComment(String comment) {
    delegate.onComment(comment);
  }

  @Override
  public void onError(EventSourceException error, boolean willRetry) {
    delegate.onError(error, willRetry);
    boolean stopRequested = error instanceof HttpStatusException status && status.statusCode() == 204;
    if (!willRetry && !stopRequested) {
      lock.lock();
      try {
        failure = error;
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void onClosed() {
    delegate.onClosed();
    lock.lock();
    try {
      ended = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to {@code timeoutNanos} (negative: forever) for an event. Returns it, or {@code null}
   * on timeout or when the source has ended and nothing is left; then {@link #ended()} tells which.
   */
  SseEvent take(long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long remaining = timeoutNanos;
      while (events.isEmpty() && !ended) {
        if (timeoutNanos < 0) {
          notEmpty.await();
        } else if (remaining <= 0) {
          return null;
        } else {
          remaining = notEmpty.awaitNanos(remaining);
        }
      }
      SseEvent event = events.poll();
      if (event != null) {
        notFull.signal();
      }
      return event;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the source has ended and every buffered event was taken. */
  boolean ended() {
    lock.lock();
    try {
      return ended && events.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** The error that closed the source, if one did (a 204 "stop" is not an error here). */
  EventSourceException failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /** Drops buffered events and every later one, releasing a delivering thread blocked on a full buffer. */
  void discard() {
    lock.lock();
    try {
      discarding = true;
      events.clear();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
