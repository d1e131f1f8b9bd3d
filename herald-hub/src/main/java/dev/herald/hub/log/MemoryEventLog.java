package dev.herald.hub.log;

import dev.herald.log.DuplicateIdException;
import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.IdGenerator;
import dev.herald.log.LogStats;
import dev.herald.log.PageBuilder;
import dev.herald.log.Replay;
import dev.herald.log.Retention;
import dev.herald.log.Update;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An event log in memory that keeps the newest entries, at most {@code capacity} of them and at most
 * {@code maxBytes} of them by {@link Update#bytes()}, the oldest going first: for tests, throwaway
 * hubs and {@code --store memory}. An update larger than {@code maxBytes} is stored, announced and
 * acknowledged like any other, then goes at once (as retention would drop it from a store).
 * Everything is lost when the process ends.
 */
public final class MemoryEventLog implements EventLog {
  /** Default number of entries kept. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** Default bytes of entries kept: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  private final int capacity;
  private final long byteCapacity;
  private final IdGenerator ids;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private final Map<String, Entry> byId = new HashMap<>();
  private long lastSequence;
  private long bytes; // of the entries kept
  private boolean closed;

  /** A log keeping the newest {@code capacity} entries, within {@link #DEFAULT_MAX_BYTES}. */
  public MemoryEventLog(int capacity, IdGenerator ids) {
    this(capacity, DEFAULT_MAX_BYTES, ids);
  }

  /** A log keeping the newest {@code capacity} entries, at most {@code maxBytes} of them. */
  public MemoryEventLog(int capacity, long maxBytes, IdGenerator ids) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.capacity = capacity;
    this.byteCapacity = maxBytes;
    this.ids = ids;
  }

  private Consumer<List<Entry>> listener = entries -> { };
  private volatile CommitListener commitListener = (updates, nanos) -> { };

  @Override
  public synchronized void onAppend(Consumer<List<Entry>> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    try {
      long start = System.nanoTime();
      List<Entry> appended = appendNow(updates);
      commitListener.committed(updates.size(), System.nanoTime() - start);
      return CompletableFuture.completedFuture(appended);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private synchronized List<Entry> appendNow(List<Update> updates) {
    if (closed) {
      throw new IllegalStateException("the event log is closed");
    }
    // All or nothing: refuse the batch before storing any of it.
    DuplicateIdException.requireConsistentBatch(updates);
    for (Update update : updates) {
      Entry existing = update.id() == null ? null : byId.get(update.id());
      if (existing != null) {
        DuplicateIdException.requireSameContent(existing.update(), update);
      }
    }
    List<Entry> appended = new ArrayList<>(updates.size());
    List<Entry> fresh = new ArrayList<>(updates.size());
    Map<String, Entry> storedNow = updates.size() > 1 ? new HashMap<>() : Map.of();
    for (Update update : updates) {
      if (update.id() != null) {
        // A repeat in the batch may find its first already gone (larger than the byte capacity).
        Entry existing = byId.getOrDefault(update.id(), storedNow.get(update.id()));
        if (existing != null) {
          appended.add(existing); // an idempotent repeat, checked above
          continue;
        }
      }
      Entry entry = new Entry(++lastSequence, update.id() == null ? update.withId(ids.next()) : update);
      entries.addLast(entry);
      byId.put(entry.update().id(), entry);
      bytes += entry.update().bytes();
      while (entries.size() > capacity || bytes > byteCapacity) {
        Entry evicted = entries.removeFirst();
        byId.remove(evicted.update().id());
        bytes -= evicted.update().bytes();
      }
      if (updates.size() > 1) {
        storedNow.put(entry.update().id(), entry);
      }
      appended.add(entry);
      fresh.add(entry);
    }
    if (!fresh.isEmpty()) {
      listener.accept(fresh); // under the lock: listeners see batches in sequence order
    }
    return appended;
  }

  @Override
  public synchronized Replay readAfter(String lastEventId, int limit, long maxBytes) {
    Entry cursor = EARLIEST.equals(lastEventId) ? null : byId.get(lastEventId);
    long after = cursor == null ? 0 : cursor.sequence();
    boolean found = cursor != null || EARLIEST.equals(lastEventId);
    return new Replay(found, readAfterSequence(after, limit, maxBytes), lastSequence);
  }

  @Override
  public synchronized List<Entry> readAfterSequence(long sequence, int limit, long maxBytes) {
    PageBuilder page = new PageBuilder(limit, maxBytes);
    if (entries.isEmpty() || sequence >= lastSequence) {
      return page.entries();
    }
    long first = entries.peekFirst().sequence();
    // Sequences are contiguous in the deque, so skip straight to the start.
    int skip = (int) Math.max(0, sequence - first + 1);
    Iterator<Entry> it = entries.iterator();
    for (int i = 0; i < skip && it.hasNext(); i++) {
      it.next();
    }
    while (it.hasNext() && page.offer(it.next())) {
      // until the page is full by count or bytes
    }
    return page.entries();
  }

  @Override
  public synchronized long lastSequence() {
    return lastSequence;
  }

  @Override
  public synchronized LogStats stats() {
    return new LogStats("memory", entries.size(), bytes, null,
        entries.isEmpty() ? null : entries.peekFirst().update().id(),
        entries.isEmpty() ? null : entries.peekLast().update().id(), null,
        new Retention(capacity, byteCapacity == Long.MAX_VALUE ? 0 : byteCapacity, java.time.Duration.ZERO), !closed);
  }

  @Override
  public void onCommit(CommitListener listener) {
    commitListener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public synchronized void close() {
    closed = true; // nothing to release; appends fail from now on, as with the stores
  }
}
