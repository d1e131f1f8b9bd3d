package dev.herald.server;

import dev.herald.sse.SseEncoder;
import dev.herald.sse.SseEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The subscriptions whose connections one event loop owns. Only that loop touches it, so delivery
 * takes no lock. Streams written during a loop tick are flushed once, after every delivery queued in
 * that tick, unless the {@link FlushPacer} says the last flush pass was too recent: then the flush
 * waits (by default about as long as that pass took), so a busy loop sends many updates per write
 * while a quiet one flushes at once. Streams idle for the heartbeat interval get a comment.
 *
 * <p>Subscriptions are isolated from each other: whatever one's filter or write throws (short of a
 * fatal VM error), the others of the loop still get the event; the failing one is closed, logged and
 * counted. {@link Subscription#costly Costly} subscriptions are offered each event in a second task,
 * after the cheap ones got it and their flush ran (when the pacer defers that flush, after it).
 */
final class LoopShard<E> {
  private static final System.Logger LOG = System.getLogger(LoopShard.class.getName());
  final EventLoop loop;
  private final List<Subscription<E>> subscriptions = new ArrayList<>();
  /** Cheap subscriptions without keys: offered every event. */
  private final List<Subscription<E>> unindexed = new ArrayList<>();
  /** Costly subscriptions (never indexed): offered every event, in a task of their own. */
  private final List<Subscription<E>> costly = new ArrayList<>();
  /** Subscriptions by key, when the fan-out has a key function. */
  private final java.util.Map<String, List<Subscription<E>>> byKey = new java.util.HashMap<>();
  private final java.util.function.Function<? super E, ? extends java.util.Collection<String>> keysOf;
  private final List<SseStream> dirty = new ArrayList<>();
  private boolean flushScheduled;
  /** Whether the scheduled flush waits for the pacer (rather than the end of the tick). */
  private boolean flushDeferred;
  /** Costly deliveries held until the deferred flush ran, in sequence order. */
  private final List<Runnable> afterFlush = new ArrayList<>();
  /** When the next flush pass may start. */
  private final FlushPacer pacer;
  /** The loop's clock: the one its scheduled tasks run by (tests move it by hand). */
  private final Ticker clock;
  /** When the oldest update written since the last flush pass reached the fan-out; NONE when none. */
  private long pendingSince = NONE;
  private static final long NONE = Long.MAX_VALUE;
  /** Made once: a method reference written at the call site would be a new object every tick. */
  private final Runnable flushTask = this::flushDirty;

  /** Heartbeat passes per heartbeat interval. */
  private static final int HEARTBEAT_PASSES = 4;
  /** The heartbeat, an empty comment, framed once for every stream of every shard. */
  private static final ByteBuf HEARTBEAT = Unpooled.unreleasableBuffer(SseChunks.frame(
      UnpooledByteBufAllocator.DEFAULT, SseEncoder.encode(SseEvent.comment(""))).asReadOnly());

  private final int holdLimitBytes;
  private final ServerConfig config;

  LoopShard(EventLoop loop, ServerConfig config,
      java.util.function.Function<? super E, ? extends java.util.Collection<String>> keysOf) {
    this.loop = loop;
    this.keysOf = keysOf;
    this.config = config;
    this.holdLimitBytes = config.writeBufferHighWaterMark;
    this.pacer = new FlushPacer(config.flushInterval);
    this.clock = loop.ticker();
    Duration heartbeat = config.heartbeat;
    if (!heartbeat.isZero()) {
      long nanos = heartbeat.toNanos();
      // a pass every quarter interval; a stream quiet for four passes in a row gets a heartbeat, so
      // one goes out between 1 and 1.25 intervals after the last write
      long pass = Math.max(nanos / HEARTBEAT_PASSES, 1);
      loop.scheduleAtFixedRate(this::heartbeat, pass, pass, TimeUnit.NANOSECONDS);
    }
  }

  int size() {
    return subscriptions.size();
  }

  void add(Subscription<E> subscription) {
    subscription.index = subscriptions.size();
    subscriptions.add(subscription);
    if (keysOf != null && subscription.keys != null) {
      for (String key : subscription.keys) {
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(subscription);
      }
    } else {
      List<Subscription<E>> list = subscription.costly ? costly : unindexed;
      subscription.slot = list.size();
      list.add(subscription);
    }
    // Deferred: a close can fire in the middle of a delivery loop, which must not see the list change.
    subscription.closeFuture().addListener(closed -> loop.execute(() -> remove(subscription)));
  }

  /**
   * Writes the shared chunk to every subscription that wants the event; releases the caller's
   * reference. {@code publishedAt} ({@link System#nanoTime}) is when the event reached the fan-out.
   */
  void deliver(E event, long sequence, ByteBuf chunk, long publishedAt) {
    int delivered = 0;
    try {
      delivered += offer(unindexed, event, sequence, chunk);
      if (keysOf != null) {
        for (String key : keysOf.apply(event)) {
          List<Subscription<E>> matching = byKey.get(key);
          if (matching != null) {
            delivered += offer(matching, event, sequence, chunk);
          }
        }
      }
      if (!costly.isEmpty()) {
        // queued behind the flush the cheap deliveries scheduled: their subscribers wait for no match
        ByteBuf reference = chunk.retain();
        Runnable second = () -> deliverCostly(event, sequence, reference, publishedAt);
        if (flushDeferred) {
          afterFlush.add(second); // the cheap ones' flush waits for the pacer: the costly go after it still
        } else {
          loop.execute(second);
        }
      }
    } finally {
      count(delivered, chunk);
      written(delivered, publishedAt);
    }
  }

  /** Remembers the oldest update of the coming flush pass, for the delivery-delay figure. */
  private void written(int delivered, long publishedAt) {
    if (delivered > 0 && publishedAt < pendingSince) {
      pendingSince = publishedAt;
    }
  }

  /** The second task of a delivery: the costly subscriptions. */
  private void deliverCostly(E event, long sequence, ByteBuf chunk, long publishedAt) {
    int delivered = 0;
    try {
      delivered = offer(costly, event, sequence, chunk);
      written(delivered, publishedAt);
    } finally {
      count(delivered, chunk);
    }
  }

  /** Releases the caller's reference and counts deliveries once per update and loop, not per subscriber. */
  private void count(int delivered, ByteBuf chunk) {
    int bytes = chunk.readableBytes();
    chunk.release();
    config.deliveries.add(delivered);
    config.bytesWritten.add((long) delivered * bytes);
  }

  /** Offers the event to each subscription once; returns how many wrote it. */
  private int offer(List<Subscription<E>> candidates, E event, long sequence, ByteBuf chunk) {
    int delivered = 0;
    for (int i = 0, n = candidates.size(); i < n; i++) {
      Subscription<E> subscription = candidates.get(i);
      if (sequence <= subscription.offered) {
        continue; // reached through another of its keys already
      }
      subscription.offered = sequence;
      try {
        if (offer(subscription, event, sequence, chunk)) {
          delivered++;
        }
      } catch (Throwable failure) {
        isolate(subscription, failure);
      }
    }
    return delivered;
  }

  /** Offers the event to one subscription; whether it was written to its stream. */
  private boolean offer(Subscription<E> subscription, E event, long sequence, ByteBuf chunk) {
    if (!subscription.wants(event, sequence)) {
      return false;
    }
    if (subscription.isPending()) {
      subscription.hold(sequence, chunk.retainedDuplicate(), holdLimitBytes);
      return false;
    }
    subscription.writtenUpTo(sequence);
    if (subscription.stream().writeUncounted(chunk.retainedDuplicate())) {
      markDirty(subscription.stream());
      return true;
    }
    return false;
  }

  /** One subscription's filter or write threw: it alone pays, unless the error is fatal to the process. */
  private void isolate(Subscription<E> subscription, Throwable failure) {
    Failures.rethrowIfFatal(failure);
    config.subscriptionsFailed.incrementAndGet();
    LOG.log(System.Logger.Level.WARNING, "subscription closed: delivering to it failed; reason="
        + failure.getClass().getName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage()),
        failure instanceof StackOverflowError ? null : failure);
    try {
      subscription.end();
    } catch (RuntimeException closing) {
      LOG.log(System.Logger.Level.WARNING, "closing a failed subscription failed", closing);
    }
  }

  private void markDirty(SseStream stream) {
    if (!stream.awaitingFlush) {
      stream.awaitingFlush = true;
      dirty.add(stream);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      long wait = pacer.timed() ? pacer.waitNanos(clock.nanoTime()) : 0;
      if (wait <= 0) {
        // quiet loop: at once, queued behind deliveries already waiting (they share the flush)
        loop.execute(flushTask);
      } else {
        // busy loop: everything delivered until the wait is over shares one write per connection
        flushDeferred = true;
        loop.schedule(flushTask, wait, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void flushDirty() {
    flushScheduled = false;
    boolean timed = pacer.timed();
    long start = timed ? clock.nanoTime() : 0;
    for (int i = 0, n = dirty.size(); i < n; i++) {
      SseStream stream = dirty.get(i);
      stream.awaitingFlush = false;
      stream.flush();
    }
    dirty.clear();
    if (pendingSince != NONE) {
      long waited = System.nanoTime() - pendingSince;
      pendingSince = NONE;
      try {
        config.deliveryDelays.accept(waited);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "the delivery-delay listener failed", e);
      }
    }
    if (timed) {
      // the pass is mostly one socket write per stream: its length is what the next wait scales with
      pacer.passed(start, clock.nanoTime());
    }
    flushDeferred = false;
    for (int i = 0, n = afterFlush.size(); i < n; i++) {
      loop.execute(afterFlush.get(i));
    }
    afterFlush.clear();
  }

  private void remove(Subscription<E> subscription) {
    int index = subscription.index;
    if (index < 0) {
      return;
    }
    Subscription<E> last = subscriptions.remove(subscriptions.size() - 1);
    if (last != subscription) {
      subscriptions.set(index, last);
      last.index = index;
    }
    subscription.index = -1;
    if (keysOf != null && subscription.keys != null) {
      for (String key : subscription.keys) {
        List<Subscription<E>> list = byKey.get(key);
        if (list != null) {
          list.remove(subscription);
          if (list.isEmpty()) {
            byKey.remove(key);
          }
        }
      }
    } else {
      // swapped with the last, like the list of all: a mass disconnect costs no pass over the list each
      List<Subscription<E>> list = subscription.costly ? costly : unindexed;
      Subscription<E> lastOfList = list.remove(list.size() - 1);
      if (lastOfList != subscription) {
        list.set(subscription.slot, lastOfList);
        lastOfList.slot = subscription.slot;
      }
      subscription.slot = -1;
    }
    subscription.releaseHeld();
  }

  /** Ends every subscription of the loop (removal follows from their close futures). */
  void endAll() {
    for (int i = 0, n = subscriptions.size(); i < n; i++) {
      subscriptions.get(i).end();
    }
  }

  private void heartbeat() {
    int sent = 0;
    for (int i = 0, n = subscriptions.size(); i < n; i++) {
      Subscription<E> subscription = subscriptions.get(i);
      SseStream stream = subscription.stream();
      // a replaying stream is watched by its replay's stall check: a heartbeat on its full socket
      // would close it as a slow consumer
      if (stream != null && !subscription.isPending() && stream.quietFor(HEARTBEAT_PASSES) && stream.isOpen()
          && stream.heartbeat(HEARTBEAT.duplicate())) {
        sent++;
      }
    }
    config.heartbeats.add(sent);
  }
}
