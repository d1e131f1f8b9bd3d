package dev.herald.hub.log;
import dev.herald.log.PageBuilder;
import dev.herald.log.LogStats;
import dev.herald.log.Replay;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;

import dev.herald.log.Update;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Keeps the newest {@code capacity} entries of a durable log in memory, so that most reconnecting
 * subscribers (whose cursor is recent) are served without a storage read. Appends go to the store;
 * the cache learns of them through the store's ordered {@link EventLog#onAppend} and stays a gap-free
 * tail of the log. It starts with the store's newest entries, so reconnects right after a restart hit
 * it too.
 */
public final class RecentCache implements EventLog {
  /** Default number of entries cached. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final EventLog store;
  private final int capacity;
  private final Entry[] ring;
  private final Map<String, Long> sequenceById = new HashMap<>();
  private long first = 1; // sequence of the oldest cached entry
  private long last;      // sequence of the newest cached entry (first - 1 when empty)
  private volatile Consumer<List<Entry>> listener = entries -> { };

  /** A cache of the newest {@code capacity} entries of {@code store}. */
  public RecentCache(EventLog store, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.capacity = capacity;
    this.ring = new Entry[capacity];
    store.onAppend(this::appended);
    synchronized (this) {
      long newest = store.lastSequence();
      first = Math.max(1, newest - capacity + 1);
      last = first - 1;
      for (Entry entry : store.readAfterSequence(first - 1, capacity)) {
        add(entry);
      }
    }
  }

  @Override
  public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    return store.appendAsync(updates);
  }

  @Override
  public void onAppend(Consumer<List<Entry>> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  private void appended(List<Entry> entries) {
    synchronized (this) {
      entries.forEach(this::add);
    }
    listener.accept(entries);
  }

  private void add(Entry entry) {
    if (entry.sequence() <= last) {
      return; // already cached (the start-up read can overlap the first appends)
    }
    if (entry.sequence() != last + 1) { // a gap would make the cache lie: start over from here
      sequenceById.clear();
      first = entry.sequence();
    }
    if (last - first + 1 == capacity) {
      Entry evicted = ring[(int) (first % capacity)];
      sequenceById.remove(evicted.update().id());
      first++;
    }
    last = entry.sequence();
    ring[(int) (last % capacity)] = entry;
    sequenceById.put(entry.update().id(), last);
  }

  @Override
  public Replay readAfter(String lastEventId, int limit, long maxBytes) {
    synchronized (this) {
      Long cursor = sequenceById.get(lastEventId);
      if (cursor != null) {
        return new Replay(true, slice(cursor, limit, maxBytes), last);
      }
    }
    return store.readAfter(lastEventId, limit, maxBytes);
  }

  @Override
  public List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
    synchronized (this) {
      if (sequence >= first - 1 && last >= first) {
        return slice(sequence, limit, maxBytes);
      }
    }
    return store.readAfterSequence(sequence, limit, maxBytes);
  }

  private List<Entry> slice(long after, int limit, long maxBytes) {
    PageBuilder page = new PageBuilder(limit, maxBytes);
    for (long s = after + 1; s <= last && page.offer(ring[(int) (s % capacity)]); s++) {
      // until the page is full by count or bytes
    }
    return page.entries();
  }

  @Override
  public long lastSequence() {
    return store.lastSequence();
  }

  @Override
  public LogStats stats() {
    return store.stats();
  }

  @Override
  public void onCommit(CommitListener listener) {
    store.onCommit(listener);
  }

  @Override
  public void close() {
    store.close();
  }
}
