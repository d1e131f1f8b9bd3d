package dev.herald.hub.log;

import dev.herald.log.Entry;
import dev.herald.log.EventLog;
import dev.herald.log.LogLoss;
import dev.herald.log.LogStats;
import dev.herald.log.PageBuilder;
import dev.herald.log.Replay;
import dev.herald.log.Update;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Keeps the newest entries of a durable log in memory, at most {@code maxBytes} of them by
 * {@link Update#bytes()}, so that most reconnecting subscribers (whose cursor is recent) are served
 * without a storage read. Appends go to the store; the cache learns of them through the store's
 * ordered {@link EventLog#onAppend} and evicts its oldest entries to stay within its budget. It is
 * always a gap-free tail of the log: an entry larger than the whole budget empties it, and it fills
 * again with the entries after. It starts with the store's newest entries that fit, read newest
 * first in chunks bounded by the budget, so reconnects right after a restart hit it too.
 */
public final class RecentCache implements EventLog {
  /** Default budget: 64 MiB of updates. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;
  /** Entries of the first start-up read; each further one reads twice as many, up to the last. */
  private static final int FIRST_FILL_CHUNK = 64;
  private static final int LAST_FILL_CHUNK = 4096;

  private final EventLog store;
  private final long maxBytes;
  private final EntryRing ring = new EntryRing();
  private final Map<String, Long> sequenceById = new HashMap<>();
  private long first = 1; // sequence of the oldest cached entry
  private long last;      // sequence of the newest entry the cache has seen (first - 1 when empty)
  private long bytes;     // of the cached entries
  private volatile Consumer<List<Entry>> listener = entries -> { };
  private volatile Consumer<LogLoss> lossListener = loss -> { };

  /** A cache of the newest entries of {@code store}, up to {@code maxBytes} of them. */
  public RecentCache(EventLog store, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("a cache's budget must be at least 1 byte: " + maxBytes);
    }
    this.store = Objects.requireNonNull(store, "store");
    this.maxBytes = maxBytes;
    store.onAppend(this::appended);
    store.onLoss(this::lost);
    synchronized (this) { // appends that arrive meanwhile wait, then follow on
      long newest = store.lastSequence();
      List<Entry> tail = newestThatFit(newest);
      clear(tail.isEmpty() ? newest + 1 : tail.get(0).sequence());
      tail.forEach(this::add);
    }
  }

  /**
   * The newest entries of the store up to {@code newest} whose bytes fit the budget, oldest first.
   * Reads chunks backwards, each bounded by what is left of the budget; a chunk cut short by that
   * bound is read again by halves, so that no read holds more than the budget.
   */
  private List<Entry> newestThatFit(long newest) {
    Deque<List<Entry>> chunks = new ArrayDeque<>();
    long budget = maxBytes;
    long end = newest; // the next chunk is (end - count, end]
    int count = FIRST_FILL_CHUNK;
    while (end >= 1 && budget > 0) {
      long from = Math.max(0, end - count);
      int want = (int) (end - from);
      List<Entry> chunk = new ArrayList<>(want);
      long size = 0;
      for (Entry entry : store.readAfterSequence(from, want, budget)) {
        if (entry.sequence() <= end) { // after a trimmed start, a read runs past the chunk
          chunk.add(entry);
          size += entry.update().bytes();
        }
      }
      if (chunk.isEmpty()) {
        break; // nothing retained up to end
      }
      boolean whole = chunk.get(chunk.size() - 1).sequence() == end && size <= budget;
      if (whole) {
        chunks.addFirst(chunk);
        budget -= size;
        if (chunk.get(0).sequence() != from + 1) {
          break; // the history retained starts inside this chunk
        }
        end = from;
        count = Math.min(count * 2, LAST_FILL_CHUNK);
      } else if (want == 1) {
        break; // the entry before those kept does not fit
      } else {
        count = want / 2; // its newer half may fit
      }
    }
    List<Entry> tail = new ArrayList<>();
    chunks.forEach(tail::addAll);
    return tail;
  }

  @Override
  public CompletableFuture<List<Entry>> appendAsync(List<Update> updates) {
    return store.appendAsync(updates);
  }

  @Override
  public void onAppend(Consumer<List<Entry>> listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public void onLoss(Consumer<LogLoss> listener) {
    this.lossListener = Objects.requireNonNull(listener, "listener");
  }

  /** The store lost entries: what the cache holds may be gone or may come again as other updates. */
  private void lost(LogLoss loss) {
    synchronized (this) {
      clear(loss.resumedAfter() + 1);
    }
    lossListener.accept(loss);
  }

  private void appended(List<Entry> entries) {
    synchronized (this) {
      entries.forEach(this::add);
    }
    listener.accept(entries);
  }

  private void add(Entry entry) {
    if (entry.sequence() <= last) {
      return; // already seen (the start-up read can overlap the first appends)
    }
    if (entry.sequence() != last + 1) { // a gap would make the cache lie: start over from here
      clear(entry.sequence());
    }
    long size = entry.update().bytes();
    last = entry.sequence();
    if (size > maxBytes) {
      clear(last + 1); // too large to keep: the cache holds nothing until the entries after it
      return;
    }
    while (bytes + size > maxBytes) {
      bytes -= ring.size(0);
      sequenceById.remove(ring.removeFirst().update().id());
      first++;
    }
    ring.addLast(entry, size);
    sequenceById.put(entry.update().id(), last);
    bytes += size;
  }

  /** Empties the cache; the next entry it may take is {@code next}. */
  private void clear(long next) {
    ring.clear();
    sequenceById.clear();
    bytes = 0;
    first = next;
    last = next - 1;
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
    for (long s = after + 1; s <= last; s++) {
      int index = (int) (s - first);
      if (!page.offer(ring.get(index), ring.size(index))) {
        break; // full by count or bytes
      }
    }
    return page.entries();
  }

  /** Bytes of the entries cached now (by {@link Update#bytes()}): never more than the budget. */
  synchronized long cachedBytes() {
    return bytes;
  }

  /** Entries cached now. */
  synchronized int cachedEntries() {
    return ring.size();
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

  /**
   * A queue of entries with their sizes (counted once, when taken: reads need them for every entry),
   * with access by position, growing by doubling (its slots are small next to its entries).
   */
  private static final class EntryRing {
    private static final int INITIAL = 16;
    private Entry[] slots = new Entry[INITIAL];
    private long[] sizes = new long[INITIAL];
    private int head;
    private int size;

    int size() {
      return size;
    }

    Entry get(int index) {
      return slots[(head + index) & (slots.length - 1)];
    }

    /** The bytes of the entry at {@code index}. */
    long size(int index) {
      return sizes[(head + index) & (slots.length - 1)];
    }

    void addLast(Entry entry, long bytes) {
      if (size == slots.length) {
        Entry[] grownSlots = new Entry[slots.length * 2];
        long[] grownSizes = new long[slots.length * 2];
        for (int i = 0; i < size; i++) {
          grownSlots[i] = get(i);
          grownSizes[i] = size(i);
        }
        slots = grownSlots;
        sizes = grownSizes;
        head = 0;
      }
      int tail = (head + size++) & (slots.length - 1);
      slots[tail] = entry;
      sizes[tail] = bytes;
    }

    Entry removeFirst() {
      Entry entry = slots[head];
      slots[head] = null;
      head = (head + 1) & (slots.length - 1);
      size--;
      return entry;
    }

    void clear() {
      slots = new Entry[INITIAL]; // let a ring grown for many small entries go
      sizes = new long[INITIAL];
      head = 0;
      size = 0;
    }
  }
}
