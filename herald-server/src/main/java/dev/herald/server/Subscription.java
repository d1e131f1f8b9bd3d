package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A connection's interest in a {@link FanOut}'s events: the filter decides which ones it gets.
 * Create one with a filter, optionally declare its {@link #indexedBy keys} or that it is
 * {@link #costly}, then hand it to {@link FanOut#subscribe(HttpExchange, Subscription, String...)}
 * (live events from now on) or {@link FanOut#subscribe(HttpExchange, Subscription, History,
 * java.util.concurrent.Executor)} (history, then live, nothing lost or written twice).
 *
 * <p>Inside the server it remembers the sequence of the last event written, so that events replayed
 * and the same events arriving live are written once. While its history is replayed it is
 * <em>pending</em>: live events for it are held, up to the write-buffer high-water mark in bytes;
 * going live writes the held events newer than the history. One that holds too much is closed as a
 * slow consumer when it would go live (its client resumes with its Last-Event-ID). Loop-confined
 * once subscribed; use each instance for one subscription.
 *
 * @param <E> the event type of the fan-out
 */
public final class Subscription<E> {
  private io.netty.channel.EventLoop loop;
  private Future<?> closeFuture;
  private Runnable closeConnection;
  private final Predicate<E> filter;
  private SseStream stream;
  private long lastSequence = Long.MIN_VALUE;
  private ArrayDeque<Held> held;
  private long heldBytes;
  private boolean overflowed;
  int index = -1;
  /** Its position in its shard's list of unindexed or costly subscriptions, or -1. */
  int slot = -1;
  /** The keys (e.g. exact topics) its events must carry one of, or null to be offered every event. */
  java.util.Set<String> keys;
  /** The last sequence offered by the shard: an event reached through two of its keys counts once. */
  long offered;
  /** Whether its filter may be costly: offered each event after the cheap subscriptions of its loop. */
  boolean costly;
  /** Set when it was ended (its filter or a write threw, or all were ended): offered nothing more. */
  boolean failed;

  private record Held(long sequence, ByteBuf chunk) {}

  /** A subscription to the events {@code filter} accepts; the filter runs on event loops and must be cheap or {@link #costly}. */
  public Subscription(Predicate<E> filter) {
    this.filter = Objects.requireNonNull(filter, "filter");
  }

  /** A live subscription of an open {@code stream} (the fan-out's tests and benchmarks). */
  Subscription(SseStream stream, Predicate<E> filter) {
    this(filter);
    attach(stream);
  }

  /** Binds it, pending, to the connection of {@code exchange} before its stream exists. */
  void bindPending(HttpExchange exchange) {
    if (loop != null) {
      throw new IllegalStateException("a subscription serves one connection");
    }
    loop = exchange.eventLoop();
    closeFuture = exchange.closeFuture();
    closeConnection = exchange::close;
    held = new ArrayDeque<>();
  }

  /** The stream events are written to; {@code null} while pending and not yet attached. */
  SseStream stream() {
    return stream;
  }

  /** Gives it its stream: a pending one once the response opens, a live one at once. */
  void attach(SseStream stream) {
    if (this.stream != null) {
      throw new IllegalStateException("already attached");
    }
    this.stream = stream;
    if (loop == null) {
      loop = stream.eventLoop();
      closeFuture = stream.closeFuture();
      closeConnection = stream::close;
    }
  }

  /** The sequence of the last event written (replayed or live). */
  long lastSequence() {
    return lastSequence;
  }

  /** Records that events up to {@code sequence} were written, e.g. by a replay. */
  void writtenUpTo(long sequence) {
    lastSequence = Math.max(lastSequence, sequence);
  }

  /**
   * Ends the pending phase: writes the held events newer than {@link #lastSequence()} and delivers
   * live from now on. Returns {@code false} if the subscription held too much and its stream was
   * closed as a slow consumer instead.
   */
  boolean goLive() {
    if (held == null) {
      return true;
    }
    ArrayDeque<Held> queue = held;
    held = null;
    if (overflowed) {
      stream.closeAsSlowConsumer();
      return false;
    }
    for (Held event : queue) {
      if (event.sequence() <= lastSequence) {
        event.chunk().release(); // the replay already wrote it
      } else if (stream.write(event.chunk())) { // a refused write releases the chunk itself
        lastSequence = event.sequence();
      }
    }
    stream.flush();
    return true;
  }

  io.netty.channel.EventLoop loop() {
    return loop;
  }

  Future<?> closeFuture() {
    return closeFuture;
  }

  boolean isPending() {
    return held != null;
  }

  boolean isOpen() {
    return stream != null ? stream.isOpen() : !closeFuture.isDone();
  }

  /** Holds a live event while pending; beyond {@code limitBytes} everything held is dropped. */
  void hold(long sequence, ByteBuf chunk, int limitBytes) {
    if (overflowed) {
      chunk.release();
      return;
    }
    heldBytes += chunk.readableBytes();
    if (heldBytes > limitBytes) {
      overflowed = true;
      chunk.release();
      releaseHeld();
      return;
    }
    held.add(new Held(sequence, chunk));
  }

  /** Releases what a pending subscription holds (its connection closed before it went live). */
  void releaseHeld() {
    if (held != null) {
      for (Held event : held) {
        event.chunk().release();
      }
      held.clear();
    }
  }

  /**
   * Declares that this subscription can only accept events carrying one of {@code keys} (as the
   * fan-out's key function reports them), so that its shard offers it only those instead of every
   * event. Call before subscribing; without it, every event is offered to the filter.
   */
  public Subscription<E> indexedBy(java.util.Collection<String> keys) {
    this.keys = java.util.Set.copyOf(keys);
    return this;
  }

  /**
   * Declares that this subscription's filter may be costly (e.g. it matches URI templates a client
   * sent), so that its shard offers each event to it only after the cheap subscriptions of the loop
   * got it and were flushed: its cost never delays them. Call before subscribing.
   */
  public Subscription<E> costly() {
    this.costly = true;
    return this;
  }

  boolean wants(E event, long sequence) {
    return !failed && sequence > lastSequence && isOpen() && filter.test(event);
  }

  /**
   * Stops offering it events and ends it: its stream ends cleanly if open (the client reconnects),
   * else its connection closes. For a filter or write that threw, or a fan-out that ends them all.
   */
  void end() {
    failed = true;
    if (stream != null) {
      stream.close();
    } else {
      closeConnection.run();
    }
  }
}
