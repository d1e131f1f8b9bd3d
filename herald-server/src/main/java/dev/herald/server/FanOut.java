package dev.herald.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivers events to many streams at the cost of one task per event loop, not one per subscriber:
 * each event is framed once into a buffer that every matching stream writes a duplicate of.
 * {@link Subscription} uses the sequence to skip what a replay already wrote, so callers must
 * serialize {@link #publish} calls in ascending sequence order (the hub publishes under the lock
 * that appends to its log). Create one with {@link HttpServer#newFanOut()}.
 *
 * @param <E> what subscriptions filter on (the hub's update)
 */
public final class FanOut<E> {
  private final Map<EventExecutor, LoopShard<E>> shards = new IdentityHashMap<>();
  private final List<LoopShard<E>> all = new ArrayList<>();
  /** Subscriptions added and not yet closed, across every loop. */
  private final java.util.concurrent.atomic.AtomicInteger registered = new java.util.concurrent.atomic.AtomicInteger();

  private final ServerConfig config;

  FanOut(Iterable<EventExecutor> loops, ServerConfig config,
      java.util.function.Function<? super E, ? extends java.util.Collection<String>> keysOf) {
    this.config = config;
    for (EventExecutor executor : loops) {
      LoopShard<E> shard = new LoopShard<>((EventLoop) executor, config, keysOf);
      shards.put(executor, shard);
      all.add(shard);
    }
  }

  /**
   * Opens the exchange's event stream with {@code headerPairs} (names and values, alternating) and
   * delivers the events {@code subscription} accepts from now on. Call on the exchange's event loop.
   */
  public SseStream subscribe(HttpExchange exchange, Subscription<E> subscription, String... headerPairs) {
    // Counted before the client can see the stream open: an update it publishes once it sees that
    // must not be skipped as if nobody listened. add() counts it for as long as it lives.
    registered.incrementAndGet();
    SseStream stream;
    try {
      stream = exchange.openStream(headerPairs);
      subscription.attach(stream);
      add(subscription);
    } finally {
      registered.decrementAndGet();
    }
    return stream;
  }

  /**
   * Replays {@code history} on the exchange's event stream, then delivers live events: every event
   * published from this call on is either in the history (up to its last page's
   * {@link History.Page#reached() reached}) or delivered live, once. The history is read on
   * {@code readers} a page at a time within the server's replay budget (see
   * {@link HttpServer.Builder#replayBudget}); live events meanwhile are held, bounded by the
   * write-buffer high-water mark. Call on the exchange's event loop; the answer is deferred.
   */
  public void subscribe(HttpExchange exchange, Subscription<E> subscription, History history,
      java.util.concurrent.Executor readers) {
    subscription.bindPending(exchange);
    add(subscription); // before anything is read: what is published meanwhile is held, not lost
    new ReplayJoin<>(exchange, subscription, history, readers, config).start();
  }

  /** Adds a subscription. Call on its connection's event loop. */
  void add(Subscription<E> subscription) {
    EventLoop loop = subscription.loop();
    if (!loop.inEventLoop()) {
      throw new IllegalStateException("add a subscription on its stream's event loop");
    }
    registered.incrementAndGet();
    subscription.closeFuture().addListener(closed -> registered.decrementAndGet());
    shards.get(loop).add(subscription);
  }

  /**
   * Whether no subscription is registered, read after the event was stored: then no task is queued
   * and nothing framed. Safe because a subscription counted after this read came after the event
   * was stored (it is counted before its client can see the stream open): a live one does not get
   * what was published before it, and a replaying one reads the event from the history it reads
   * after registering.
   */
  private boolean nobodyListens() {
    return registered.get() == 0;
  }

  /**
   * Whether any subscription is registered now. Read after an event is stored, {@code false} means
   * nobody can be owed it (see {@link #publish}): a caller may then skip encoding it at all.
   */
  public boolean hasSubscriptions() {
    return !nobodyListens();
  }

  /** Sends {@code sseBytes} (one encoded event) to every subscription whose filter accepts {@code event}. */
  public void publish(E event, long sequence, byte[] sseBytes) {
    if (nobodyListens()) {
      return;
    }
    ByteBuf chunk = SseChunks.frame(PooledByteBufAllocator.DEFAULT, sseBytes);
    long publishedAt = System.nanoTime();
    try {
      for (LoopShard<E> shard : all) {
        ByteBuf reference = chunk.retain();
        try {
          shard.loop.execute(() -> shard.deliver(event, sequence, reference, publishedAt));
        } catch (java.util.concurrent.RejectedExecutionException stopped) { // the server closed: no task, no release
          reference.release();
          throw stopped;
        }
      }
    } finally {
      chunk.release();
    }
  }

  /** One event of {@link #publishAll}: what subscriptions filter on, its sequence, and its SSE bytes. */
  public record Published<E>(E event, long sequence, byte[] sseBytes) {}

  /**
   * Publishes several events, in order, at the cost of one task per event loop for all of them: what
   * a log that appends in batches (a streaming publish, a group commit) hands on. The same rules as
   * {@link #publish} apply to each.
   */
  public void publishAll(List<Published<E>> events) {
    if (events.isEmpty() || nobodyListens()) {
      return;
    }
    if (events.size() == 1) {
      Published<E> only = events.get(0);
      publish(only.event(), only.sequence(), only.sseBytes());
      return;
    }
    ByteBuf[] chunks = new ByteBuf[events.size()];
    long publishedAt = System.nanoTime();
    try {
      for (int i = 0; i < chunks.length; i++) {
        chunks[i] = SseChunks.frame(PooledByteBufAllocator.DEFAULT, events.get(i).sseBytes());
      }
      for (LoopShard<E> shard : all) {
        ByteBuf[] references = new ByteBuf[chunks.length];
        for (int i = 0; i < chunks.length; i++) {
          references[i] = chunks[i].retain();
        }
        try {
          shard.loop.execute(() -> {
            for (int i = 0; i < references.length; i++) {
              Published<E> published = events.get(i);
              shard.deliver(published.event(), published.sequence(), references[i], publishedAt);
            }
          });
        } catch (java.util.concurrent.RejectedExecutionException stopped) { // the server closed: no task, no release
          for (ByteBuf reference : references) {
            reference.release();
          }
          throw stopped;
        }
      }
    } finally {
      for (ByteBuf chunk : chunks) {
        if (chunk != null) {
          chunk.release();
        }
      }
    }
  }

  /**
   * Ends every subscription: open streams end cleanly (their clients reconnect, with their last event
   * id), subscriptions still replaying are closed. For a source of events that can no longer be
   * trusted to continue what subscribers have, e.g. a log that lost entries. Returns at once; each
   * loop ends its own.
   */
  public void endAll() {
    for (LoopShard<E> shard : all) {
      shard.loop.execute(shard::endAll);
    }
  }

  /**
   * The number of subscriptions, read from each loop without synchronization: a moment's estimate,
   * for metrics and logs.
   */
  public int size() {
    int size = 0;
    for (LoopShard<E> shard : all) {
      size += shard.size();
    }
    return size;
  }
}
