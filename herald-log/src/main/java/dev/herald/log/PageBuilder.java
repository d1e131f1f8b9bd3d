package dev.herald.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the entries of one read, bounded by a count and by {@link Update#bytes() bytes}: an entry
 * that would take the page past its byte bound is refused, unless the page is empty (a read always
 * makes progress, even past one update larger than the bound). Backends read until it refuses.
 */
public final class PageBuilder {
  private final List<Entry> entries = new ArrayList<>();
  private final int limit;
  private final long maxBytes;
  private long bytes;

  /** A page of at most {@code limit} entries and {@code maxBytes} bytes (at least one entry, unless the limit is 0). */
  public PageBuilder(int limit, long maxBytes) {
    if (limit < 0 || maxBytes < 1) {
      throw new IllegalArgumentException("a page's bounds: limit >= 0, maxBytes >= 1; got limit=" + limit
          + " maxBytes=" + maxBytes);
    }
    this.limit = limit;
    this.maxBytes = maxBytes;
  }

  /** Adds {@code entry} if it fits; {@code false} means the page is complete and the read should stop. */
  public boolean offer(Entry entry) {
    return entries.size() < limit && offer(entry, entry.update().bytes());
  }

  /**
   * {@link #offer(Entry)} for a caller that knows the entry's {@link Update#bytes()} already (a cache
   * that counted it when it took the entry).
   */
  public boolean offer(Entry entry, long size) {
    if (entries.size() >= limit) {
      return false;
    }
    if (!entries.isEmpty() && bytes + size > maxBytes) {
      return false;
    }
    entries.add(entry);
    bytes += size;
    return true;
  }

  /** Whether another entry could still fit (by count; its size is known only when offered). */
  public boolean hasRoom() {
    return entries.size() < limit && (entries.isEmpty() || bytes < maxBytes);
  }

  /** The entries collected, in the order offered. */
  public List<Entry> entries() {
    return entries;
  }
}
